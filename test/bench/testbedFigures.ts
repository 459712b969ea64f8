import type { PeerStory } from '../../src/report/analyzeRun.js';

/* The testbed bench's pure parts (testbedStrategies.ts runs the swarms): its PeerInfo.cfg, its figures and what they say. */

/** What one strategy's swarm on the testbed left behind, as the testbed bench gathers it. */
export interface StrategyOutcome {
  strategy: string;
  /** `swarmlab swarm`'s exit code (0: every peer finished and every copy matched there). */
  exitCode: number | null;
  seederId: number;
  fileSize: number;
  pieceSize: number;
  /** Each peer's story, from the logs the launcher collected (analyzeRun). */
  peers: readonly Pick<PeerStory, 'peerId' | 'events' | 'startedMs' | 'completedMs'>[];
  /** What the seeder's host sent on its link during the run: payload, headers and the ssh sessions. */
  seederLinkBytes: number;
  /** Copies checked here against the seeder's file, and how many matched. */
  copies: number;
  verifiedCopies: number;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export interface StrategyFigures {
  strategy: string;
  /** Exited 0 with every leecher complete and every copy matching. */
  ok: boolean;
  leechers: number;
  completedLeechers: number;
  /** From the last peer's start (the seeder's) to the last leecher's completion; undefined when one never completed. */
  lastCompletionSeconds?: number;
  /** Each completed leecher's completion, from the same start. */
  completionSeconds?: Spread;
  /** Bytes of the pieces the leechers logged as downloaded from the seeder. */
  seederPieceBytes: number;
  /** The same in copies of the file: 1 is the least a swarm can do; more is what leechers could have had from each other. */
  seederPieceCopies: number;
  seederLinkBytes: number;
  seederLinkCopies: number;
  copies: number;
  verifiedCopies: number;
}

export function figuresOf(outcome: StrategyOutcome): StrategyFigures {
  const { seederId, fileSize, pieceSize } = outcome;
  const leechers = outcome.peers.filter((p) => p.peerId !== seederId);
  const pieceCount = Math.ceil(fileSize / pieceSize);
  const pieceBytes = (index: number) => (index === pieceCount - 1 ? fileSize - pieceSize * (pieceCount - 1) : pieceSize);
  const seederPieceBytes = leechers
    .flatMap((p) => p.events)
    .reduce((sum, { event }) => sum + (event.kind === 'downloadedPiece' && event.other === seederId ? pieceBytes(event.index) : 0), 0);
  // The seeder starts last, once every leecher listens: bytes flow from the last start. Without a debug log, a peer's first logged line.
  const starts = outcome.peers.map((p) => p.startedMs ?? p.events[0]?.ms).filter((ms): ms is number => ms !== undefined && !Number.isNaN(ms));
  const origin = starts.length > 0 ? Math.max(...starts) : NaN;
  const completions = leechers.flatMap((p) => (p.completedMs === undefined ? [] : [(p.completedMs - origin) / 1000]));
  const allCompleted = leechers.length > 0 && completions.length === leechers.length;
  return {
    strategy: outcome.strategy,
    ok: outcome.exitCode === 0 && allCompleted && outcome.verifiedCopies === outcome.copies,
    leechers: leechers.length,
    completedLeechers: completions.length,
    lastCompletionSeconds: allCompleted ? Math.max(...completions) : undefined,
    completionSeconds: completions.length > 0 ? spreadOf(completions) : undefined,
    seederPieceBytes,
    seederPieceCopies: seederPieceBytes / fileSize,
    seederLinkBytes: outcome.seederLinkBytes,
    seederLinkCopies: outcome.seederLinkBytes / fileSize,
    copies: outcome.copies,
    verifiedCopies: outcome.verifiedCopies,
  };
}

export function spreadOf(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/**
 * One line saying what the figures show: which strategy's last leecher
 * finished first and by how much, and how many copies of the file the
 * seeder sent under each, against the time one copy takes at its uplink's rate.
 */
export function interpretation(figures: readonly StrategyFigures[], oneCopySeconds: number): string {
  const finished = figures.filter((f) => f.ok && f.lastCompletionSeconds !== undefined).sort((a, b) => a.lastCompletionSeconds! - b.lastCompletionSeconds!);
  const failed = figures.filter((f) => !finished.includes(f)).map((f) => f.strategy);
  const copies = finished.map((f, i) => `${f.seederPieceCopies.toFixed(2)}${i === 0 ? ' copies of the file' : ''} with ${f.strategy}`).join(', ');
  const floor = `(one copy through its uplink takes ${oneCopySeconds.toFixed(1)} s)`;
  const failures = failed.length > 0 ? `; ${failed.join(', ')} did not finish cleanly: no figures compared for ${failed.length > 1 ? 'them' : 'it'}` : '';
  if (finished.length < 2) {
    const only = finished.length === 1 ? `only ${finished[0].strategy} finished cleanly; the seeder sent ${copies} ${floor}` : 'no strategy finished cleanly';
    return `${only}${failures}`;
  }
  const [first, ...rest] = finished;
  const behind = rest
    .map((f) => `${f.strategy} (${f.lastCompletionSeconds!.toFixed(1)} s: ${(f.lastCompletionSeconds! / first.lastCompletionSeconds!).toFixed(2)}x as long)`)
    .join(', ');
  return (
    `${first.strategy} finished first, its last leecher after ${first.lastCompletionSeconds!.toFixed(1)} s, ahead of ${behind}; ` +
    `the seeder sent ${copies} ${floor}${failures}`
  );
}

/**
 * The testbed's PeerInfo.cfg with the last peer as the only seeder. The
 * launcher starts the peers in file order, each once the one before listens
 * (seconds apart over ssh on a busy machine); with the seeder last, every
 * leecher is up when it starts and dials them all, so all start downloading
 * together rather than the late ones finding the file already spread.
 */
export function seederLast(peerInfo: string): string {
  const isPeer = (line: string) => /^\d/.test(line);
  const lines = peerInfo.split('\n');
  const last = lines.reduce((found, line, i) => (isPeer(line) ? i : found), -1);
  return lines.map((line, i) => (isPeer(line) ? line.replace(/\s+[01]\s*$/, i === last ? ' 1' : ' 0') : line)).join('\n');
}
