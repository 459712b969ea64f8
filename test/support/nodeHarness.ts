import { seededRandom } from '../../src/common/Random.js';
import type { PeerInfo } from '../../src/config/PeerInfo.js';
import type { PieceVerifier } from '../../src/metainfo/PieceVerifier.js';
import type { LocalPieces } from '../../src/node/NeighborSession.js';
import type { NodeEvents } from '../../src/node/NodeEvents.js';
import { PeerNode, type NodeOutcome } from '../../src/node/PeerNode.js';
import type { RetrySchedule } from '../../src/net/Dialer.js';
import type { PieceLayout } from '../../src/core/PieceLayout.js';
import { ManualClock } from './ManualClock.js';
import { RecordingDiagnostics } from './RecordingDiagnostics.js';
import { RecordingProtocolLog } from './RecordingProtocolLog.js';
import { LOOPBACK } from './sockets.js';
import { DEFAULT_WAIT_MS, Waiters, withTimeout } from './waiting.js';

/** One dial, no retry: the harness's peers are all listening before anyone dials. */
const NO_RETRY: RetrySchedule = { pollIntervalMs: 0, pollWindowMs: 0, initialDelayMs: 0, maxDelayMs: 0, maxBackoffAttempts: 0 };

/** The p and m intervals tests use: never reached, the ManualClock is not advanced that far. */
export const LONG_INTERVAL_MS = 60_000;
/** PeerConnection destroys a socket this long after close() if the neighbour never closes its side. */
export const CLOSE_GRACE_MS = 5_000;

/** A PeerInfo.cfg line on 127.0.0.1. */
export function peerOn(peerId: number, port: number, hasFile: boolean, line: number): PeerInfo {
  return { peerId, host: LOOPBACK, port, hasFile, line };
}

export interface TestNodeOptions {
  self: PeerInfo;
  peers: readonly PeerInfo[];
  layout: PieceLayout;
  pieces: LocalPieces & { close(): Promise<void> };
  preferredNeighbours?: number;
  seed?: number;
  handshakeTimeoutMs?: number;
  aloneTimeoutMs?: number;
  /** With a metainfo: passed to PeerNode, which checks every received piece against its SHA-1. */
  verifier?: PieceVerifier;
  /** Started again from a resume state. */
  resumed?: boolean;
}

/**
 * A real PeerNode with everything around it recorded: the protocol log, the
 * diagnostics (with the wire trace), the node's events, on a ManualClock (the
 * p and m timers never fire unless a test advances it) and a seeded random.
 */
export class TestNode {
  readonly node: PeerNode;
  readonly log: RecordingProtocolLog;
  readonly diag = new RecordingDiagnostics();
  readonly clock = new ManualClock(1_000_000);
  readonly events: { [K in keyof NodeEvents]?: NodeEvents[K][] } = {};
  private readonly waiters = new Waiters();
  private outcome: NodeOutcome | undefined;

  constructor(readonly options: TestNodeOptions) {
    this.log = new RecordingProtocolLog(options.self.peerId);
    this.node = new PeerNode({
      self: options.self,
      peers: options.peers,
      preferredNeighbours: options.preferredNeighbours ?? 2,
      unchokingIntervalMs: LONG_INTERVAL_MS,
      optimisticUnchokingIntervalMs: LONG_INTERVAL_MS,
      layout: options.layout,
      pieces: options.pieces,
      clock: this.clock,
      random: seededRandom(options.seed ?? 42),
      log: this.log,
      diag: this.diag,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      aloneTimeoutMs: options.aloneTimeoutMs,
      dialRetry: NO_RETRY,
      verifier: options.verifier,
      resumed: options.resumed,
    });
    for (const name of ['connected', 'disconnected', 'requestReleased', 'pieceDownloaded', 'pieceUploaded', 'allComplete', 'downloadComplete'] as const) {
      this.node.bus.on(name, (payload: unknown) => {
        ((this.events[name] ??= []) as unknown[]).push(payload);
        this.waiters.notify();
      });
    }
    void this.node.finished.then((outcome) => {
      this.outcome = outcome;
      this.waiters.notify();
    });
  }

  static async start(options: TestNodeOptions): Promise<TestNode> {
    const node = new TestNode(options);
    await node.node.start();
    return node;
  }

  stats(): PeerNode['stats'] {
    return this.node.stats;
  }

  get peerId(): number {
    return this.options.self.peerId;
  }

  /** The node's outcome once it settled, else undefined (checked without waiting). */
  get settled(): NodeOutcome | undefined {
    return this.outcome;
  }

  finished(timeoutMs = DEFAULT_WAIT_MS): Promise<NodeOutcome> {
    return withTimeout(this.node.finished, `peer ${this.peerId} to finish`, timeoutMs);
  }

  eventsOf<K extends keyof NodeEvents>(name: K): NodeEvents[K][] {
    return (this.events[name] ?? []) as NodeEvents[K][];
  }

  /** Resolves with the count-th event of this name (1-based). */
  waitForEvent<K extends keyof NodeEvents>(name: K, count = 1, timeoutMs = DEFAULT_WAIT_MS): Promise<NodeEvents[K]> {
    return this.waiters.until(
      () => this.eventsOf(name)[count - 1],
      () => `event ${String(name)} #${count} on peer ${this.peerId} (got ${this.eventsOf(name).length})`,
      timeoutMs,
    );
  }

  /**
   * Stops the node and waits for it to settle. Advances the clock past the
   * close grace so a neighbour that never closes its side cannot hold it up.
   */
  async shutdown(): Promise<void> {
    const stopping = this.node.stop();
    this.clock.advance(CLOSE_GRACE_MS + 1);
    await withTimeout(stopping, `peer ${this.peerId} to stop`);
    await this.finished();
  }
}

/** Things to undo after each test, run last-registered first; every step runs even if one fails. */
export class Cleanup {
  private readonly steps: (() => unknown)[] = [];

  add(step: () => unknown): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}
