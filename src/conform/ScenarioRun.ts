import type { ConnectionRecord } from './WireRecord.js';

export type ScenarioName = 'leecher' | 'seeder' | 'late-joiner' | 'by-rate' | 'two-sources';

/** How the peer under test ended. */
export type PeerEnd =
  | { by: 'itself'; atMs: number; code: number | null; signal: string | null }
  /** We stopped it (SIGTERM, then SIGKILL) when the scenario was over or out of time. */
  | { by: 'us'; atMs: number };

/** One of our listed peers that listened for the peer's dial, and how many connections it accepted. */
export interface ListenerRecord {
  peerId: number;
  /** Listed before the peer in PeerInfo.cfg: the peer must dial it (once); listed after: never. */
  listedBefore: boolean;
  accepted: number;
}

/** The peer's protocol log as found after the run. */
export interface FoundLog {
  /** Relative to the working directory, e.g. `log_peer_1002.log` or `logs/log_peer_1002.log`. */
  relativePath: string;
  lines: string[];
}

/**
 * What one scenario observed: the facts every rule is a pure function of.
 * Times are milliseconds since the scenario began.
 */
export interface ScenarioRun {
  name: ScenarioName;
  peerId: number;
  /** Whether the peer under test started with the file (hasFile 1). */
  peerHasFile: boolean;
  /** PeerInfo.cfg, in order. */
  peers: readonly { peerId: number; hasFile: boolean }[];
  k: number;
  /** p and m (Common.cfg's UnchokingInterval and OptimisticUnchokingInterval), in ms. */
  unchokingMs: number;
  optimisticMs: number;
  fileName: string;
  pieceSize: number;
  pieceCount: number;
  /** The file's true content. */
  file: Buffer;
  connections: ConnectionRecord[];
  /** Our listeners, in the scenarios where the peer must dial them (the late joiner, by rate). */
  listeners?: ListenerRecord[];
  /** When every listed peer held the whole file (as our side saw it), if that happened. */
  allCompleteAtMs?: number;
  end: PeerEnd;
  /** `peer_<id>/<FileName>` in the working directory after the run, if there. */
  peerFile?: Buffer;
  /** The peer's log: at the spec's place or, failing that, anywhere under the working directory. */
  log?: FoundLog;
}

/** The spec's place for the log, relative to the working directory. */
export function specLogPath(peerId: number): string {
  return `log_peer_${peerId}.log`;
}

/** The byte range of one piece of the file. */
export function pieceBytes(run: Pick<ScenarioRun, 'file' | 'pieceSize'>, index: number): Buffer {
  return run.file.subarray(index * run.pieceSize, (index + 1) * run.pieceSize);
}
