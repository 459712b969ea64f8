import { parsePeerCommand } from '../control/PeerCommand.js';
import type { PeerController } from '../control/PeerController.js';
import type { SentenceBuffer } from '../control/SentenceBuffer.js';
import { LIVE_LOG_ENV, isControlRequest, type PeerReport } from '../launcher/PeerReport.js';
import type { Subscribable } from '../control/Subscribable.js';
import type { PeerStatus } from '../node/PeerStatus.js';
import type { NeighbourTotals } from '../node/TransferStats.js';

const PROGRESS_EVERY_MS = 250;
const STATUS_EVERY_MS = 500;

/** The events the link reports (their payloads are not read): the course node and a BitTorrent peer have them. */
export interface LinkEvents {
  listening: { port: number };
  pieceDownloaded: unknown;
  pieceUploaded: unknown;
  downloadComplete: unknown;
  paused: unknown;
  resumed: unknown;
}

/** What the link reads of a running peer: the course's PeerNode, or a BitTorrent peer. */
export interface LinkedNode {
  readonly bus: Subscribable<LinkEvents>;
  readonly stats: { readonly bytesDownloaded: number; readonly bytesUploaded: number; perNeighbour(): ReadonlyMap<number, NeighbourTotals> };
  status(): PeerStatus;
}

export interface LauncherLinkOptions {
  node: LinkedNode;
  controller: PeerController;
  peerId: number;
  pieceCount: number;
  piecesHeld(): number;
  /** The protocol sentences the launcher's live view shows, when it has one. */
  sentences?: SentenceBuffer;
}

/** True when started by a launcher (an IPC channel exists) that shows the protocol sentences live. */
export function launcherWantsSentences(): boolean {
  return typeof process.send === 'function' && process.env[LIVE_LOG_ENV] === '1';
}

export interface LauncherLink {
  /** Sends the last progress, status and the per-neighbour summary, then stops reporting and closes the channel. */
  finish(): Promise<void>;
  /** Stops reporting and closes the channel at once, with no summary: for a peer that never ran (its port was taken, say). */
  close(): void;
}

/**
 * When started by `swarmlab swarm`, reports readiness, progress (at most
 * every 250 ms), its status and protocol sentences (for the dashboard), and a
 * final per-neighbour summary; and takes control commands from the launcher.
 * Its timers and the open IPC channel keep the process alive until it is
 * finished or closed.
 */
export function linkToLauncher(options: LauncherLinkOptions): LauncherLink {
  const send = process.send?.bind(process);
  if (!send) return { finish: async () => {}, close: () => {} };
  const { node, peerId, pieceCount, piecesHeld } = options;
  /** Resolves once the channel has taken the message, so the last ones are not lost at exit. */
  const report = (message: PeerReport) =>
    new Promise<void>((resolve) => (process.connected ? send(message, undefined, {}, () => resolve()) : resolve()));
  const progress = () =>
    void report({ type: 'progress', peerId, piecesHeld: piecesHeld(), pieceCount, bytesDownloaded: node.stats.bytesDownloaded, bytesUploaded: node.stats.bytesUploaded });
  let dirty = false;
  let lastStatus = '';
  const pushStatus = () => {
    const status = node.status();
    const text = JSON.stringify(status);
    if (text === lastStatus) return;
    lastStatus = text;
    void report({ type: 'status', peerId, status });
  };
  const sendSentences = () => {
    const batch = options.sentences?.take();
    return batch ? report({ type: 'logLines', peerId, ...batch }) : Promise.resolve();
  };
  const timers = [
    setInterval(() => {
      if (dirty) progress();
      dirty = false;
      void sendSentences();
    }, PROGRESS_EVERY_MS),
    setInterval(pushStatus, STATUS_EVERY_MS),
  ];
  node.bus.on('listening', ({ port }) => report({ type: 'ready', peerId, port, piecesHeld: piecesHeld(), pieceCount }));
  node.bus.on('pieceDownloaded', () => (dirty = true));
  node.bus.on('pieceUploaded', () => (dirty = true));
  node.bus.on('downloadComplete', () => report({ type: 'downloadComplete', peerId }));
  for (const event of ['paused', 'resumed'] as const) node.bus.on(event, pushStatus);
  const onMessage = (message: unknown) => {
    if (!isControlRequest(message)) return;
    const answer = (error?: string) => void report({ type: 'controlResult', peerId, id: message.id, error });
    try {
      options.controller.execute(parsePeerCommand(message.command)).then(() => answer(), (error: Error) => answer(error.message));
    } catch (error) {
      answer((error as Error).message);
    }
  };
  process.on('message', onMessage);
  const stopReporting = () => {
    for (const timer of timers) clearInterval(timer);
    process.off('message', onMessage);
  };
  // An open IPC channel would keep this process alive.
  const disconnect = () => process.connected && process.disconnect();
  const finish = async () => {
    stopReporting();
    progress();
    pushStatus();
    await sendSentences();
    const neighbours = [...node.stats.perNeighbour()].map(([id, totals]) => ({ peerId: id, ...totals }));
    const usage = process.resourceUsage();
    const resources = { maxRssBytes: usage.maxRSS * 1024, cpuUserMs: usage.userCPUTime / 1000, cpuSystemMs: usage.systemCPUTime / 1000 };
    await report({ type: 'summary', peerId, neighbours, resources });
    disconnect();
  };
  const close = () => {
    stopReporting();
    disconnect();
  };
  return { finish, close };
}
