import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import type { PeerInfo } from '../config/PeerInfo';
import { isPeerReport, type NeighbourSummary, type PeerReport, type ResourceUse } from './PeerReport';

export interface LaunchOptions {
  peers: readonly PeerInfo[];
  configDir: string;
  peersDir: string;
  logDir: string;
  logLevel: string;
  /** Whole-run limit; peers still running then are reported and stopped. */
  timeoutMs: number;
  /** Longest wait for one peer to bind its port before the next one starts. */
  startTimeoutMs?: number;
  /** Receives every line a peer prints (its diagnostics). */
  onOutput?(peerId: number, line: string): void;
  onReport?(report: PeerReport): void;
}

export type PeerEnd =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'timed-out' }
  | { kind: 'stopped'; because: string }
  | { kind: 'not-started'; because: string };

export interface PeerRun {
  peer: PeerInfo;
  pid?: number;
  startedAtMs?: number;
  completedAtMs?: number;
  exitedAtMs?: number;
  piecesHeld: number;
  pieceCount: number;
  bytesDownloaded: number;
  bytesUploaded: number;
  neighbours: NeighbourSummary[];
  resources?: ResourceUse;
  end?: PeerEnd;
  /** The last lines it printed, for a failure report. */
  tail: string[];
}

export interface SwarmRun {
  runs: PeerRun[];
  /** When the last peer was started. */
  lastStartMs: number;
  endedMs: number;
  timedOut: boolean;
}

const TAIL_LINES = 15;
const KILL_GRACE_MS = 3_000;
const PEER_PROCESS = path.join(__dirname, '..', 'cli', 'peerProcess.js');

/**
 * Starts every peer of PeerInfo.cfg in file order, each as its own process,
 * waiting for each to listen before starting the next, then waits for all of
 * them to exit. A peer that fails or hangs stops the run: the others are
 * stopped, by pid, and every run is reported.
 */
export class SwarmLauncher {
  private readonly children = new Map<number, ChildProcess>();
  /** Why the launcher stopped a peer, by peer ID: its exit is then not a failure of its own. */
  private readonly stopReasons = new Map<number, PeerEnd>();
  private failure: string | undefined;

  /** One entry per peer, updated as the run goes (the progress view reads it). */
  readonly runs: PeerRun[];

  constructor(private readonly options: LaunchOptions) {
    this.runs = options.peers.map((peer) => newRun(peer));
  }

  async run(): Promise<SwarmRun> {
    const { runs } = this;
    const exits: Promise<void>[] = [];
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      this.stopAll('the run passed its --timeout', true);
    }, this.options.timeoutMs);
    try {
      for (const run of runs) {
        if (this.failure) {
          run.end = { kind: 'not-started', because: this.failure };
          continue;
        }
        const { exited, ready } = this.start(run);
        exits.push(exited);
        await ready;
      }
      const lastStartMs = Date.now();
      await Promise.all(exits);
      return { runs, lastStartMs, endedMs: Date.now(), timedOut };
    } finally {
      clearTimeout(deadline);
    }
  }

  /** Stops every peer still running (SIGTERM, then SIGKILL after a grace period). */
  stopAll(because: string, timedOut = false): void {
    this.failure ??= because;
    for (const [peerId, child] of this.children) {
      this.stopReasons.set(peerId, timedOut ? { kind: 'timed-out' } : { kind: 'stopped', because });
      child.kill('SIGTERM');
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), KILL_GRACE_MS).unref();
    }
  }

  private start(run: PeerRun): { exited: Promise<void>; ready: Promise<void> } {
    const { options } = this;
    const args = [
      PEER_PROCESS,
      String(run.peer.peerId),
      '--config-dir', options.configDir,
      '--peers-dir', options.peersDir,
      '--log-dir', options.logDir,
      '--log-level', options.logLevel,
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    run.pid = child.pid;
    run.startedAtMs = Date.now();
    this.children.set(run.peer.peerId, child);
    for (const stream of [child.stdout, child.stderr]) collectLines(stream, (line) => this.output(run, line));

    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const startWait = setTimeout(() => {
      this.stopAll(`peer ${run.peer.peerId} did not start listening within ${(options.startTimeoutMs ?? 20_000) / 1000} s`);
      markReady();
    }, options.startTimeoutMs ?? 20_000);
    child.on('message', (message) => {
      if (!isPeerReport(message)) return;
      this.apply(run, message);
      if (message.type === 'ready') {
        clearTimeout(startWait);
        markReady();
      }
    });
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        clearTimeout(startWait);
        this.children.delete(run.peer.peerId);
        run.exitedAtMs = Date.now();
        const stopped = this.stopReasons.get(run.peer.peerId);
        run.end = stopped ?? { kind: 'exited', code, signal };
        if (!stopped && code !== 0) this.stopAll(`peer ${run.peer.peerId} exited with ${code ?? signal}`);
        markReady();
        resolve();
      });
    });
    return { exited, ready };
  }

  private apply(run: PeerRun, report: PeerReport): void {
    switch (report.type) {
      case 'ready':
      case 'progress':
        run.piecesHeld = report.piecesHeld;
        run.pieceCount = report.pieceCount;
        if (report.type === 'progress') {
          run.bytesDownloaded = report.bytesDownloaded;
          run.bytesUploaded = report.bytesUploaded;
        }
        break;
      case 'downloadComplete':
        run.completedAtMs = Date.now();
        break;
      case 'summary':
        run.neighbours = report.neighbours;
        run.resources = report.resources;
        break;
    }
    this.options.onReport?.(report);
  }

  private output(run: PeerRun, line: string): void {
    run.tail.push(line);
    if (run.tail.length > TAIL_LINES) run.tail.shift();
    this.options.onOutput?.(run.peer.peerId, line);
  }
}

function newRun(peer: PeerInfo): PeerRun {
  return { peer, piecesHeld: 0, pieceCount: 0, bytesDownloaded: 0, bytesUploaded: 0, neighbours: [], tail: [] };
}

function collectLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => partial && onLine(partial));
}
