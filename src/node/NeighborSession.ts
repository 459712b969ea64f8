import type { Cancel, Clock } from '../common/Clock.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import type { DisconnectReason, ProtocolHandlers, WireCommands } from '../net/ProtocolHandlers.js';
import { describeReason } from '../net/ProtocolHandlers.js';
import type { PieceVerifier } from '../metainfo/PieceVerifier.js';
import type { PeerTrust } from '../policy/PeerTrust.js';
import type { RateTracker } from '../policy/RateTracker.js';
import type { RequestManager } from '../policy/RequestManager.js';
import { Bitfield } from '../core/Bitfield.js';
import type { EventBus } from './EventBus.js';
import { NeighborState } from './NeighborState.js';
import type { Direction, NodeEvents } from './NodeEvents.js';
import type { PeerRegistry } from './PeerRegistry.js';
import type { NeighbourLimits } from './RateLimits.js';
import { Uploader, type UploadSource } from './Uploader.js';
import { wholePiece, type BlockRef } from '../core/BlockRef.js';
import type { PieceLayout } from '../core/PieceLayout.js';

/** The node's own pieces, as a session sees them. */
export interface LocalPieces extends UploadSource {
  readonly bitfield: Bitfield;
  writePiece(index: number, data: Buffer): Promise<boolean>;
}

/** What every session shares with the node. */
export interface SessionContext {
  pieces: LocalPieces;
  requests: RequestManager;
  rates: RateTracker;
  registry: PeerRegistry;
  bus: EventBus<NodeEvents>;
  diag: Diagnostics;
  maxQueuedRequests: number;
  /** Where each piece sits: its length makes a request's block, and bounds how much is read ahead for a neighbour. */
  layout: PieceLayout;
  clock: Clock;
  /** A neighbour that leaves our requests unanswered this long, sending no piece at all, is snubbed. */
  snubTimeoutMs: number;
  /** With a metainfo: every piece is checked before it is written as good. */
  verifier?: PieceVerifier;
  trust: PeerTrust;
}

/** For a neighbour that pipelines its requests, pieces read from disk at once: up to 1 MiB, at most 4. */
const READ_AHEAD_BYTES = 1 << 20;
const MAX_READ_AHEAD_PIECES = 4;

export type SessionWire = WireCommands & { flushed(): Promise<void> };

/**
 * One neighbour, from its handshake to its disconnect: applies the protocol's
 * rules to what it sends us and answers it. Decisions that span neighbours
 * (choking, termination) belong to the node; this reports them on the bus.
 */
export class NeighborSession implements ProtocolHandlers {
  private stateValue: NeighborState | undefined;
  private wireValue: SessionWire | undefined;
  private uploader: Uploader | undefined;
  private ended = false;
  /** Snubbed: it took our requests and sent nothing for too long; not asked again until it sends a piece. */
  private snubbed = false;
  private cancelSnubTimer: Cancel | undefined;

  constructor(
    private readonly ctx: SessionContext,
    readonly direction: Direction,
    private readonly limits: NeighbourLimits,
    /** The peer we dialled, if we dialled. */
    readonly expectedPeerId?: number,
  ) {}

  /** The wire is created with this session as its handlers, so it is bound just after. */
  bind(wire: SessionWire): void {
    this.wireValue = wire;
  }

  get peerId(): number {
    return this.state.peerId;
  }

  get state(): NeighborState {
    if (!this.stateValue) throw new Error('no handshake yet');
    return this.stateValue;
  }

  get wire(): SessionWire {
    if (!this.wireValue) throw new Error('session not bound to a wire');
    return this.wireValue;
  }

  /** Handshake done and not yet disconnected. */
  get isOpen(): boolean {
    return this.stateValue !== undefined && !this.ended;
  }

  onHandshake(peerId: number): void {
    const { ctx } = this;
    this.stateValue = new NeighborState(peerId, this.direction, ctx.pieces.bitfield.pieceCount);
    this.uploader = new Uploader({
      wire: this.wire,
      source: ctx.pieces,
      maxQueued: ctx.maxQueuedRequests,
      readAhead: Math.max(1, Math.min(MAX_READ_AHEAD_PIECES, Math.floor(READ_AHEAD_BYTES / ctx.layout.pieceSize))),
      throttle: (bytes) => {
        const waitMs = this.limits.upload(bytes);
        return waitMs > 0 ? new Promise((resolve) => ctx.clock.after(waitMs, () => resolve())) : Promise.resolve();
      },
      mayServe: () => !this.state.amChoking,
      onSent: (index, bytes) => ctx.bus.emit('pieceUploaded', { index, to: peerId, bytes }),
      onError: (index, error) => ctx.diag.error(`could not serve piece ${index} to ${peerId}: ${String(error)}`),
    });
    ctx.registry.attach(this);
    // Protocol: the bitfield comes right after the handshake; with no pieces it may be skipped.
    if (!ctx.pieces.bitfield.isEmpty) this.wire.sendBitfield(ctx.pieces.bitfield);
    ctx.bus.emit('connected', { peerId, direction: this.direction });
  }

  onDisconnect(reason: DisconnectReason): void {
    if (!this.stateValue) {
      this.ctx.diag.warn(`connection closed before its handshake: ${describeReason(reason)}`);
      this.ctx.bus.emit('handshakeFailed', { direction: this.direction, expectedPeerId: this.expectedPeerId, reason });
      return;
    }
    const { ctx, peerId } = this;
    this.ended = true;
    this.stopSnubTimer();
    this.uploader?.clear();
    const released = ctx.requests.forget(peerId);
    ctx.requests.availability.addBitfield(this.state.bitfield, -1);
    ctx.rates.remove(peerId);
    ctx.registry.detach(this);
    const normal = reason.kind === 'remote-closed' || reason.kind === 'shutdown';
    const line = `connection with ${peerId} ended: ${describeReason(reason)}`;
    if (normal) ctx.diag.info(line);
    else ctx.diag.warn(line);
    ctx.bus.emit('disconnected', { peerId, reason });
    for (const index of released) ctx.bus.emit('requestReleased', { peerId, index });
  }

  onChoke(): void {
    const { ctx, peerId } = this;
    this.state.peerChoking = true;
    ctx.bus.emit('chokeChanged', { peerId, way: 'received', choking: true });
    // Protocol: a request not answered before the choke is void; another neighbour may take it.
    this.stopSnubTimer();
    for (const index of ctx.requests.release(peerId)) ctx.bus.emit('requestReleased', { peerId, index });
  }

  onUnchoke(): void {
    this.state.peerChoking = false;
    this.ctx.bus.emit('chokeChanged', { peerId: this.peerId, way: 'received', choking: false });
    this.requestNext();
  }

  onInterested(): void {
    this.ctx.bus.emit('interestReceived', { peerId: this.peerId, interested: true });
    this.setPeerInterested(true);
  }

  onNotInterested(): void {
    this.ctx.bus.emit('interestReceived', { peerId: this.peerId, interested: false });
    this.setPeerInterested(false);
  }

  onHave(index: number): void {
    this.ctx.bus.emit('haveReceived', { peerId: this.peerId, index });
    if (this.state.bitfield.set(index)) this.ctx.requests.availability.addPiece(index, this.state.bitfield.pieceCount);
    this.afterNeighbourProgress();
  }

  onBitfield(bits: Bitfield): void {
    this.ctx.diag.info(`bitfield from ${this.peerId}: ${bits.count}/${bits.pieceCount} pieces (${bits.toRanges(200)})`);
    this.ctx.requests.availability.addBitfield(bits);
    this.state.bitfield = bits;
    this.ctx.registry.noteBitfield(this.peerId, bits);
    this.afterNeighbourProgress();
  }

  onRequest(block: BlockRef): void {
    const { ctx, peerId } = this;
    const { index } = block;
    // Protocol: answer only neighbours we have unchoked, only for pieces we hold.
    if (this.state.amChoking) return ctx.diag.debug(`dropped request ${index} from ${peerId}: it is choked`);
    if (!ctx.pieces.has(index)) return ctx.diag.debug(`dropped request ${index} from ${peerId}: we lack that piece`);
    if (!this.uploader?.enqueue(index)) ctx.diag.debug(`dropped request ${index} from ${peerId}: queue full or repeated`);
  }

  onPiece(block: BlockRef, data: Buffer): void {
    const { ctx, peerId } = this;
    const { index } = block;
    this.snubbed = false;
    this.stopSnubTimer();
    const arrival = ctx.requests.pieceReceived(peerId, index);
    if (arrival === 'unrequested') {
      this.wire.close({ kind: 'protocol-violation', code: 'unrequested-piece', message: `piece ${index} was never requested` });
      return;
    }
    void this.store(index, data);
  }

  /** Protocol: answers to our choke and unchoke, applied by the node's choking decisions. */
  setAmChoking(choking: boolean): void {
    if (this.state.amChoking === choking) return;
    this.state.amChoking = choking;
    this.ctx.bus.emit('chokeChanged', { peerId: this.peerId, way: 'sent', choking });
    if (choking) {
      this.wire.sendChoke();
      this.uploader?.clear();
    } else {
      this.wire.sendUnchoke();
    }
  }

  /**
   * Protocol: interested if the neighbour has a piece we lack, else not
   * interested. Sent when our answer changes (the first answer is always sent).
   */
  updateInterest(): void {
    const wanted = this.state.bitfield.hasAnyMissingFrom(this.ctx.pieces.bitfield);
    if (wanted === this.state.amInterested) return;
    this.state.amInterested = wanted;
    if (wanted) this.wire.sendInterested();
    else this.wire.sendNotInterested();
  }

  /** Protocol: requests only while unchoked; as many in flight as the strategy allows (course: one). */
  requestNext(): void {
    const { ctx } = this;
    if (!this.isOpen || this.state.peerChoking || this.snubbed || ctx.pieces.bitfield.isComplete) return;
    for (const index of ctx.requests.nextRequests(this.peerId, this.askable(), ctx.pieces.bitfield)) this.wire.sendRequest(wholePiece(index, ctx.layout.pieceLength(index)));
    if (ctx.requests.hasOutstanding(this.peerId)) this.startSnubTimer();
  }

  /**
   * A neighbour that unchokes us, takes requests and then sends nothing (no
   * piece, no choke) would hold those pieces forever: after the snub timeout
   * its requests are released for others, and it is not asked again until it
   * sends a piece. Its late answers are still accepted.
   */
  private startSnubTimer(): void {
    if (this.cancelSnubTimer) return;
    const { ctx, peerId } = this;
    this.cancelSnubTimer = ctx.clock.after(ctx.snubTimeoutMs, () => {
      this.cancelSnubTimer = undefined;
      const released = ctx.requests.release(peerId);
      if (released.length === 0 || !this.isOpen) return;
      this.snubbed = true;
      ctx.diag.warn(`peer ${peerId} sent no piece for ${ctx.snubTimeoutMs / 1000} s: its ${released.length} request(s) go to others`);
      for (const index of released) ctx.bus.emit('requestReleased', { peerId, index });
    });
  }

  private stopSnubTimer(): void {
    this.cancelSnubTimer?.();
    this.cancelSnubTimer = undefined;
  }

  /**
   * The pieces we may ask this neighbour for: all it has, unless it is on
   * parole, when it is never the only source we rely on: only pieces another
   * neighbour also has.
   */
  private askable(): Bitfield {
    const theirs = this.state.bitfield;
    if (!this.ctx.trust.isOnParole(this.peerId)) return theirs;
    const alsoElsewhere = new Bitfield(theirs.pieceCount);
    // Another neighbour on parole does not count: two liars cannot vouch for each other.
    const others = this.ctx.registry.sessions().filter((s) => s !== this && s.isOpen && !this.ctx.trust.isOnParole(s.peerId));
    for (let i = 0; i < theirs.pieceCount; i++) {
      if (theirs.has(i) && others.some((s) => s.state.bitfield.has(i))) alsoElsewhere.set(i);
    }
    return alsoElsewhere;
  }

  private setPeerInterested(interested: boolean): void {
    if (this.state.peerInterested === interested) return;
    this.state.peerInterested = interested;
    this.ctx.bus.emit('interestChanged', { peerId: this.peerId });
  }

  private afterNeighbourProgress(): void {
    this.updateInterest();
    this.requestNext();
    this.ctx.bus.emit('neighbourProgress', { peerId: this.peerId });
  }

  private async store(index: number, data: Buffer): Promise<void> {
    const { ctx, peerId } = this;
    // Never write unverified data as good: with a metainfo, a piece that fails its SHA-1 is dropped.
    if (ctx.verifier && !ctx.pieces.has(index) && !ctx.verifier.verify(index, data)) {
      ctx.requests.settled(index);
      ctx.bus.emit('pieceRejected', { index, from: peerId });
      return;
    }
    try {
      const fresh = await ctx.pieces.writePiece(index, data);
      if (fresh) {
        ctx.rates.record(peerId, data.length);
        const piecesHeld = ctx.pieces.bitfield.count;
        ctx.bus.emit('pieceDownloaded', { index, from: peerId, bytes: data.length, piecesHeld });
      } else {
        ctx.diag.debug(`dropped duplicate piece ${index} from ${peerId}`);
      }
    } catch (error) {
      ctx.bus.emit('storageFailed', { error: error as Error });
      return;
    } finally {
      ctx.requests.settled(index);
    }
    this.requestNext();
  }
}
