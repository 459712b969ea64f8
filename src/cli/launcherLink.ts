import type { PeerReport } from '../launcher/PeerReport';
import type { PeerNode } from '../node/PeerNode';

const PROGRESS_EVERY_MS = 250;

/**
 * When started by `swarmlab swarm` (an IPC channel exists), reports readiness,
 * progress (at most every 250 ms) and a final per-neighbour summary to it.
 * Returns a function that sends the summary and stops reporting.
 */
export function linkToLauncher(node: PeerNode, peerId: number, pieceCount: number, piecesHeld: () => number): () => Promise<void> {
  const send = process.send?.bind(process);
  if (!send) return async () => {};
  /** Resolves once the channel has taken the message, so the last ones are not lost at exit. */
  const report = (message: PeerReport) =>
    new Promise<void>((resolve) => (process.connected ? send(message, undefined, {}, () => resolve()) : resolve()));
  const progress = () =>
    void report({
      type: 'progress',
      peerId,
      piecesHeld: piecesHeld(),
      pieceCount,
      bytesDownloaded: node.stats.bytesDownloaded,
      bytesUploaded: node.stats.bytesUploaded,
    });
  let dirty = false;
  const timer = setInterval(() => {
    if (dirty) progress();
    dirty = false;
  }, PROGRESS_EVERY_MS);
  node.bus.on('listening', ({ port }) => report({ type: 'ready', peerId, port, piecesHeld: piecesHeld(), pieceCount }));
  node.bus.on('pieceDownloaded', () => (dirty = true));
  node.bus.on('pieceUploaded', () => (dirty = true));
  node.bus.on('downloadComplete', () => report({ type: 'downloadComplete', peerId }));
  return async () => {
    clearInterval(timer);
    progress();
    const neighbours = [...node.stats.perNeighbour()].map(([id, totals]) => ({ peerId: id, ...totals }));
    const usage = process.resourceUsage();
    const resources = { maxRssBytes: usage.maxRSS * 1024, cpuUserMs: usage.userCPUTime / 1000, cpuSystemMs: usage.systemCPUTime / 1000 };
    await report({ type: 'summary', peerId, neighbours, resources });
    // An open IPC channel would keep this process alive.
    if (process.connected) process.disconnect();
  };
}
