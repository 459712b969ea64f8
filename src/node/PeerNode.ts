import type { Cancel, Clock } from '../common/Clock.js';
import { DEFAULT_RETRY_SCHEDULE, type RetrySchedule } from '../net/Dialer.js';
import type { Random } from '../common/Random.js';
import { MAX_REQUESTS_PER_PEER_LIMIT, type RequestStrategy } from '../config/CommonConfig.js';
import type { PeerInfo } from '../config/PeerInfo.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import type { ProtocolLog } from '../log/ProtocolLogger.js';
import { writeCourseSentences } from '../log/CourseSentences.js';
import { ChokingManager } from '../policy/ChokingManager.js';
import { RateTracker } from '../policy/RateTracker.js';
import { RequestManager } from '../policy/RequestManager.js';
import { PeerTrust } from '../policy/PeerTrust.js';
import type { PieceVerifier } from '../metainfo/PieceVerifier.js';
import type { PieceLayout } from '../core/PieceLayout.js';
import { ChokeController } from './ChokeController.js';
import { Connections } from './Connections.js';
import { EventBus } from './EventBus.js';
import { NeighborSession, type LocalPieces, type SessionContext } from './NeighborSession.js';
import type { NodeEvents } from './NodeEvents.js';
import { PeerRegistry } from './PeerRegistry.js';
import { CourseMembership } from '../swarm/CourseMembership.js';
import { RateLimits, type RateLimitSettings } from './RateLimits.js';
import { TransferStats } from './TransferStats.js';
import { describeNode } from './describeNode.js';
import type { PeerStatus } from './PeerStatus.js';

export interface PeerNodeOptions {
  self: PeerInfo;
  /** Every peer of PeerInfo.cfg, in file order. */
  peers: readonly PeerInfo[];
  preferredNeighbours: number;
  unchokingIntervalMs: number;
  optimisticUnchokingIntervalMs: number;
  layout: PieceLayout;
  pieces: LocalPieces & { close(): Promise<void> };
  clock: Clock;
  random: Random;
  log: ProtocolLog;
  diag: Diagnostics;
  handshakeTimeoutMs?: number;
  /** When to dial an earlier peer again while it is not listening (default: poll 10 s, then back off). */
  dialRetry?: RetrySchedule;
  /** With a metainfo: every received piece is checked against its SHA-1 before it counts. */
  verifier?: PieceVerifier;
  /** How pieces are chosen and how many requests are in flight per neighbour (default: the course's rule). */
  requestStrategy?: RequestStrategy;
  maxRequestsPerPeer?: number;
  /** A neighbour that sends no piece this long while our requests wait is snubbed (default 60 s). */
  snubTimeoutMs?: number;
  /** Upload and download limits, process-wide and per neighbour (default: none). */
  rateLimits?: RateLimitSettings;
  /** How long a complete peer that lost every neighbour waits for one to come back before it concludes the swarm is over. */
  aloneTimeoutMs?: number;
  /** Started again from a resume state (after a crash): its earlier peers may have finished and left meanwhile. */
  resumed?: boolean;
}


export type NodeOutcome = { kind: 'complete' } | { kind: 'failed'; error: Error };

/**
 * One peer of the swarm: listens for the peers listed after it, dials those
 * listed before it, and wires each connection to a NeighborSession. It reacts
 * to what the sessions report (choking, haves, termination) and delegates the
 * decisions to the policy classes.
 */
export class PeerNode {
  readonly bus = new EventBus<NodeEvents>();
  readonly stats: TransferStats;
  readonly finished: Promise<NodeOutcome>;
  readonly rateLimits: RateLimits;
  private readonly registry: PeerRegistry;
  private readonly membership: CourseMembership;
  private readonly choking: ChokingManager;
  private readonly choker: ChokeController;
  private readonly context: SessionContext;
  private readonly connections: Connections;
  private cancelAloneTimer: Cancel | undefined;
  private stopping = false;
  private paused = false;
  private settle!: (outcome: NodeOutcome) => void;

  constructor(private readonly options: PeerNodeOptions) {
    this.finished = new Promise((resolve) => (this.settle = resolve));
    // First on the bus: each sentence is written before any reaction to its event.
    writeCourseSentences(this.bus, options.log);
    this.membership = new CourseMembership(options.self, options.peers, { aloneTimeoutMs: options.aloneTimeoutMs, resumed: options.resumed });
    const { membership } = this;
    this.registry = new PeerRegistry(membership);
    this.rateLimits = new RateLimits(options.clock, options.rateLimits);
    this.stats = new TransferStats(this.bus, options.clock);
    const rates = new RateTracker(options.clock);
    this.context = {
      pieces: options.pieces,
      requests: new RequestManager({ random: options.random, strategy: options.requestStrategy, maxRequestsPerPeer: options.maxRequestsPerPeer }),
      rates,
      registry: this.registry,
      bus: this.bus,
      diag: options.diag,
      maxQueuedRequests: MAX_REQUESTS_PER_PEER_LIMIT,
      layout: options.layout,
      clock: options.clock,
      snubTimeoutMs: options.snubTimeoutMs ?? 60_000,
      verifier: options.verifier,
      trust: new PeerTrust(),
    };
    this.choking = new ChokingManager({ preferredCount: options.preferredNeighbours, random: options.random });
    this.choker = new ChokeController({
      manager: this.choking,
      registry: this.registry,
      rates,
      ours: options.pieces.bitfield,
      clock: options.clock,
      bus: this.bus,
      unchokingIntervalMs: options.unchokingIntervalMs,
      optimisticUnchokingIntervalMs: options.optimisticUnchokingIntervalMs,
    });
    this.connections = new Connections({
      membership,
      geometry: options.layout,
      clock: options.clock,
      diag: options.diag,
      registry: this.registry,
      newSession: (direction, limits, expectedPeerId) => new NeighborSession(this.context, direction, limits, expectedPeerId),
      rateLimits: this.rateLimits,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      dialRetry: options.dialRetry ?? DEFAULT_RETRY_SCHEDULE,
      // A complete peer started again after everyone else finished never gets a connection to lose.
      onUnreachable: () => membership.concludesAloneWhenUnreachable && this.watchForBeingAlone(),
    });
    this.subscribe();
  }

  /** Binds the listening port (rejects with PortInUseError), then dials every earlier peer. */
  async start(): Promise<void> {
    await this.connections.listen();
    this.bus.emit('listening', { port: this.options.self.port });
    this.choker.start();
    this.connections.dialEarlierPeers();
    this.checkTermination();
  }

  /** Closes every connection after flushing what was written, then the file. */
  async stop(outcome: NodeOutcome = { kind: 'complete' }): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.choker.stop();
    this.cancelAloneTimer?.();
    await this.connections.closeAll();
    // The last checkpoint can fail (a full disk): that is the outcome then, not a hang.
    const closeError = await this.options.pieces.close().then(
      () => undefined,
      (error: Error) => error,
    );
    this.settle(closeError && outcome.kind === 'complete' ? { kind: 'failed', error: closeError } : outcome);
  }

  /**
   * Control interface: disconnects from every neighbour and stops listening
   * and dialling, keeping our pieces and the resume state. Nothing is lost:
   * the neighbours' requests die with the connections.
   */
  async pause(): Promise<void> {
    if (this.stopping || this.paused) return;
    this.paused = true;
    this.cancelAloneTimer?.();
    this.cancelAloneTimer = undefined;
    this.options.diag.warn('paused: every connection closed; not listening or dialling until resumed');
    this.bus.emit('paused', {});
    await this.connections.suspend();
  }

  /** Listens and dials again; the new connections' bitfields say what is still needed. */
  async resume(): Promise<void> {
    if (this.stopping || !this.paused) return;
    await this.connections.resume();
    this.paused = false;
    this.options.diag.info('resumed: listening again and dialling the earlier peers');
    this.bus.emit('resumed', {});
    this.checkTermination();
  }

  status(): PeerStatus {
    return describeNode({
      peerId: this.options.self.peerId,
      state: this.stopping ? 'stopping' : this.paused ? 'paused' : 'running',
      ours: this.options.pieces.bitfield,
      registry: this.registry,
      choking: this.choking,
      requests: this.context.requests,
      stats: this.stats,
      limits: this.rateLimits,
    });
  }

  private subscribe(): void {
    const { bus } = this;
    bus.on('interestChanged', () => this.choker.refresh());
    bus.on('disconnected', ({ peerId }) => {
      this.choker.forget(peerId);
      if (!this.stopping) this.choker.refresh();
      this.checkTermination();
      if (!this.stopping) this.connections.redialIfLost(peerId);
      this.watchForBeingAlone();
    });
    bus.on('handshakeFailed', ({ expectedPeerId }) => {
      if (expectedPeerId !== undefined && !this.stopping && !this.registry.get(expectedPeerId)) this.connections.redialIfLost(expectedPeerId);
    });
    bus.on('connected', () => {
      this.cancelAloneTimer?.();
      this.cancelAloneTimer = undefined;
    });
    bus.on('requestReleased', () => this.requestFromIdleNeighbours());
    bus.on('neighbourProgress', () => {
      this.checkTermination();
      // The sender asks for itself; only a neighbour on parole depends on the others'
      // pieces (it is asked only for pieces someone else also has).
      for (const session of this.registry.sessions()) if (this.context.trust.isOnParole(session.peerId)) session.requestNext();
    });
    bus.on('pieceDownloaded', ({ index }) => this.onPieceDownloaded(index));
    bus.on('pieceRejected', ({ index, from }) => this.onPieceRejected(index, from));
    bus.on('storageFailed', ({ error }) => {
      this.options.diag.error(error.message);
      void this.stop({ kind: 'failed', error });
    });
  }

  private onPieceDownloaded(index: number): void {
    if (this.options.pieces.bitfield.isComplete) {
      this.bus.emit('downloadComplete', {});
    }
    this.announce(index);
  }

  /**
   * Protocol: after completing a piece, send 'have' to every neighbour, then
   * re-check interest: 'not interested' where nothing is left to want. Also
   * for pieces found good by a start-up recheck.
   */
  announce(index: number): void {
    const sessions = this.registry.sessions();
    for (const session of sessions) session.wire.sendHave(index);
    for (const session of sessions) session.updateInterest();
    if (this.options.pieces.bitfield.isComplete) this.choker.refresh();
    this.checkTermination();
  }

  /** A piece failed its SHA-1: its sender goes on parole, and is banned at the second one. */
  private onPieceRejected(index: number, from: number): void {
    const { diag } = this.options;
    const verdict = this.context.trust.badPiece(from);
    if (verdict === 'parole') {
      diag.warn(`piece ${index} from ${from} failed its SHA-1 check: dropped; ${from} is on parole (never again our only source for a piece)`);
    } else {
      diag.warn(`piece ${index} from ${from} failed its SHA-1 check: a second bad piece; ${from} is banned for this run`);
      this.registry.ban(from);
      this.registry.get(from)?.wire.close({ kind: 'protocol-violation', code: 'bad-piece-hash', message: 'sent two pieces that failed their SHA-1 check' });
    }
    this.requestFromIdleNeighbours();
  }

  /**
   * After a crash and restart, the peers that finished meanwhile are gone and
   * can no longer tell us they are complete. A peer holding the whole file
   * whose last neighbour left (or whose earlier peers cannot be reached at
   * all), and to which nobody comes back, concludes the swarm is over instead
   * of waiting forever.
   */
  private watchForBeingAlone(): void {
    if (this.stopping || this.paused || this.cancelAloneTimer || this.registry.sessions().length > 0) return;
    if (!this.options.pieces.bitfield.isComplete) return;
    const timeoutMs = this.membership.aloneTimeoutMs;
    this.cancelAloneTimer = this.options.clock.after(timeoutMs, () => {
      this.cancelAloneTimer = undefined;
      if (this.stopping || this.paused || this.registry.sessions().length > 0) return;
      this.options.diag.warn(`we hold the complete file and no neighbour came back for ${timeoutMs / 1000} s: the others are taken to have finished`);
      void this.stop();
    });
  }

  private requestFromIdleNeighbours(): void {
    for (const session of this.registry.sessions()) session.requestNext();
  }

  private checkTermination(): void {
    if (this.stopping || !this.registry.everyoneComplete(this.options.pieces.bitfield)) return;
    this.options.diag.info('every peer has the complete file: closing connections');
    this.bus.emit('allComplete', {});
    void this.stop();
  }
}
