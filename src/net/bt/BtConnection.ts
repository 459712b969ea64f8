import type { Duplex } from 'stream';
import type { Cancel, Clock } from '../../common/Clock.js';
import { Bitfield } from '../../core/Bitfield.js';
import type { BlockRef } from '../../core/BlockRef.js';
import type { PieceGeometry } from '../../wire/PieceGeometry.js';
import { ProtocolError } from '../../wire/ProtocolError.js';
import { BtFrameReader } from '../../wire/bt/FrameReader.js';
import { encodeBtHandshake, type Capabilities, type HandshakeHead } from '../../wire/bt/Handshake.js';
import { describeBtMessage, type BtMessage } from '../../wire/bt/Message.js';
import { encodeBtMessage, encodeBtPieceHeader, encodeBtRequests } from '../../wire/bt/MessageCodec.js';
import { checkBtMessage } from '../../wire/bt/MessageRules.js';
import { MAX_PIECE_COUNT, btFrameLimits } from '../../wire/bt/limits.js';
import { EXTENSION_HANDSHAKE_ID, encodeExtensionHandshake, parseExtensionHandshake, type ExtensionHandshake } from '../../wire/bt/ExtensionHandshake.js';
import { UT_METADATA, decodeUtMetadata, encodeUtMetadata, type UtMetadataMessage } from '../../wire/bt/UtMetadata.js';
import { UT_PEX, decodeUtPex, encodeUtPex, type UtPexMessage } from '../../wire/bt/UtPex.js';
import { DEFAULT_STALLED_FRAME_TIMEOUT_MS, InboundGuard } from '../InboundGuard.js';
import type { DisconnectReason } from '../ProtocolHandlers.js';
import { SocketLifecycle, type ConnectionState } from '../SocketLifecycle.js';
import { SocketWriter } from '../SocketWriter.js';
import { pieceBuffers } from '../../wire/BufferPool.js';
import { readMessages, type MessageLoop } from '../readMessages.js';
import { readsIntoOneBuffer } from '../reusedReadBuffer.js';
import type { BtPeerEvents, BtPeerWire } from './BtPeerEvents.js';

export interface BtConnectionOptions {
  socket: Duplex;
  /** Outbound: we dialled (we read the whole handshake); inbound: a router already read its first 48 bytes. */
  direction: 'outbound' | 'inbound';
  infoHash: Buffer;
  localPeerId: Buffer;
  localCaps: Capabilities;
  /** Inbound only: the handshake head the router read, and the bytes that came after it. */
  routed?: { head: HandshakeHead; rest: Buffer };
  /**
   * The torrent's pieces. Undefined while only its metadata is fetched (BEP 9,
   * a magnet link): messages about pieces are then read, within the framing
   * bounds of the largest torrent we take, and dropped unseen.
   */
  geometry?: PieceGeometry;
  clock: Clock;
  events: BtPeerEvents;
  /**
   * Ours, sent after the handshake when both sides speak BEP 10. Its `m`
   * says which extended messages we read: ut_metadata and ut_pex under the
   * ids given there; any other id is ignored.
   */
  extensionHandshake: ExtensionHandshake;
  /** Our DHT node's UDP port, when we run one (localCaps.dht): sent after the handshake to a peer that set the DHT bit too (BEP 5, `port`). */
  dhtPort?: number;
  /** Says why a peer id is not wanted here (ourselves, a peer already connected), or undefined. */
  checkRemote(peerId: Buffer): string | undefined;
  handshakeTimeoutMs: number;
  /** A keep-alive goes out when we have sent nothing for this long (bittorrent.md: about every 2 minutes). */
  keepAliveMs?: number;
  /** A peer silent for this long is dead (bittorrent.md; the issue: 3 minutes). */
  idleTimeoutMs?: number;
  trace?(direction: 'sent' | 'received', description: string): void;
  maxMessagesPerSecond?: number;
  stalledFrameTimeoutMs?: number;
  /** Rate limits (as PeerConnection's): ms to stop reading after `bytes` arrived (0: read on). */
  downloadThrottle?(bytes: number): number;
}

/**
 * A BitTorrent peer may send this many messages a second. Not the course's
 * 20,000: aria2 downloading from us on loopback at 190 MiB/s asks for 12,000
 * blocks a second, and what arrives while our loop is busy is read in one
 * burst, so 20,000 closed it mid-transfer. Requests beyond our queue are
 * rejected, and a peer that keeps asking is closed (BlockUploader): this cap
 * is left to guard against cheap messages sent only to keep us busy.
 */
export const BT_MAX_MESSAGES_PER_SECOND = 100_000;

export const KEEP_ALIVE_MS = 120_000;
export const IDLE_TIMEOUT_MS = 180_000;
/** How often silence is checked: a tenth of the keep-alive period is precise enough. */
const SILENCE_CHECK_MS = 12_000;
/** Requests we may be asked to queue and pipelined block frames in flight: 1 MiB beyond a few blocks is a peer not reading. */
const MAX_UNSENT_BYTES = 4 << 20;

/** BEP 6's messages: only once both sides set the fast bit. */
const FAST_KINDS: ReadonlySet<BtMessage['kind']> = new Set(['have-all', 'have-none', 'reject', 'allowed-fast', 'suggest']);

/**
 * One BitTorrent connection (BEP 3, 6, 10): the handshake, framing, the rules
 * that need the connection's state, keep-alives, and outbound writes, with
 * the extended messages of BEP 9 (ut_metadata) and BEP 11 (ut_pex) decoded
 * under the ids each side announced. The torrent sees blocks, capabilities
 * and those messages (BtPeerEvents / BtPeerWire), never bytes. A peer that breaks a rule costs only this connection.
 */
export class BtConnection implements BtPeerWire {
  private readonly life: SocketLifecycle;
  private readonly reader: BtFrameReader;
  private readonly writer: SocketWriter;
  private readonly guard: InboundGuard;
  private readonly loop: MessageLoop<BtMessage>;
  private head: HandshakeHead | undefined;
  private remotePeerId: Buffer | undefined;
  private capsValue: Capabilities = { extended: false, fast: false, dht: false };
  private cancelTimer: Cancel | undefined;
  private cancelSilenceCheck: Cancel | undefined;
  private lastHeardMs: number;
  private lastSentMs: number;
  /** Reading is held while the disk is behind (holdReading). */
  private readingHeld = false;
  readonly closed: Promise<void>;
  private readonly reusedReadBuffer: boolean;
  /** The extension each id of ours stands for (our `m` reversed). */
  private readonly ourExtensions: ReadonlyMap<number, string>;
  /** The peer's `m`: the ids it reads extended messages under (none until its extension handshake). */
  private theirExtensions: ReadonlyMap<string, number> = new Map();

  constructor(private readonly options: BtConnectionOptions) {
    const { socket, clock } = options;
    const limits = btFrameLimits(options.geometry?.pieceCount ?? MAX_PIECE_COUNT);
    this.reader = new BtFrameReader(options.geometry?.pieceCount ?? 'unknown', limits);
    this.writer = new SocketWriter(socket, MAX_UNSENT_BYTES + limits.maxMessageLength, (unsent) =>
      this.life.fail({ kind: 'protocol-violation', code: 'not-reading', message: `${unsent} bytes written and not taken` }),
    );
    this.guard = new InboundGuard({
      clock,
      maxMessagesPerSecond: options.maxMessagesPerSecond ?? BT_MAX_MESSAGES_PER_SECOND,
      stalledFrameTimeoutMs: options.stalledFrameTimeoutMs ?? DEFAULT_STALLED_FRAME_TIMEOUT_MS,
    });
    this.lastHeardMs = this.lastSentMs = clock.now();
    this.reusedReadBuffer = readsIntoOneBuffer(socket);
    this.ourExtensions = new Map([...options.extensionHandshake.extensions].filter(([, id]) => id !== 0).map(([name, id]) => [id, name]));
    this.life = new SocketLifecycle({ socket, clock, pendingBytes: () => this.reader.bufferedBytes, closed: (reason) => this.finish(reason) });
    const { trace } = options;
    this.loop = {
      reader: this.reader,
      guard: this.guard,
      life: this.life,
      readHandshake: () => this.readHandshake(),
      violation: (message) => (options.geometry && checkBtMessage(message, options.geometry)) || this.checkState(message),
      received: trace && ((message) => trace('received', describeBtMessage(message))),
      dispatch: (message) => this.dispatch(message),
      close: (reason) => this.close(reason),
    };
    this.closed = this.life.whenClosed;
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.cancelTimer = clock.after(options.handshakeTimeoutMs, () => this.close({ kind: 'handshake-timeout', timeoutMs: options.handshakeTimeoutMs }));
    // The dialler sends its handshake at once; the side that accepted answers
    // once the router has read the info-hash (BEP 3; bittorrent.md), i.e. now.
    socket.write(encodeBtHandshake({ capabilities: options.localCaps, infoHash: options.infoHash, peerId: options.localPeerId }));
    if (options.routed) {
      this.head = options.routed.head;
      // Queued now, so that it stays ahead of anything the socket delivers next; read once the caller holds this connection.
      this.reader.push(options.routed.rest);
      queueMicrotask(() => this.receive(Buffer.alloc(0)));
    }
  }

  get state(): ConnectionState {
    return this.life.state;
  }

  get direction(): 'outbound' | 'inbound' {
    return this.options.direction;
  }

  get peerId(): Buffer | undefined {
    return this.remotePeerId;
  }

  /** The extensions both sides announced (valid once open). */
  get caps(): Capabilities {
    return this.capsValue;
  }

  sendChoke(): void {
    this.send({ kind: 'choke' });
  }
  sendUnchoke(): void {
    this.send({ kind: 'unchoke' });
  }
  sendInterested(): void {
    this.send({ kind: 'interested' });
  }
  sendNotInterested(): void {
    this.send({ kind: 'not-interested' });
  }
  sendHave(index: number): void {
    this.send({ kind: 'have', index });
  }
  /** BEP 6: have-all / have-none say it in one byte; without it an empty bitfield is simply not sent (BEP 3 allows that). */
  sendBitfield(has: Bitfield): void {
    if (this.capsValue.fast && has.isComplete) this.send({ kind: 'have-all' });
    else if (this.capsValue.fast && has.isEmpty) this.send({ kind: 'have-none' });
    else if (!has.isEmpty) this.send({ kind: 'bitfield', bits: has.toBuffer() });
  }
  sendRequests(blocks: readonly BlockRef[]): void {
    if (this.life.state !== 'open' || blocks.length === 0) return;
    if (this.options.trace) for (const block of blocks) this.options.trace('sent', describeBtMessage({ kind: 'request', ...block }));
    this.lastSentMs = this.options.clock.now();
    this.writer.write(encodeBtRequests(blocks), 'tick');
  }
  sendCancel(block: BlockRef): void {
    this.send({ kind: 'cancel', ...block });
  }
  sendReject(block: BlockRef): void {
    if (this.capsValue.fast) this.send({ kind: 'reject', ...block });
  }
  sendPiece(block: BlockRef, data: Buffer): void {
    if (data.length !== block.length) throw new RangeError(`block ${block.index}+${block.begin} is ${block.length} bytes, got ${data.length}`);
    if (this.life.state !== 'open') return;
    this.options.trace?.('sent', `piece ${block.index}+${block.begin} (${data.length} bytes)`);
    this.lastSentMs = this.options.clock.now();
    this.writer.writeBlock(encodeBtPieceHeader(block.index, block.begin, data.length), data);
  }

  sendMetadataMessage(message: UtMetadataMessage): void {
    this.sendExtended(UT_METADATA, () => encodeUtMetadata(message));
  }
  sendPex(message: UtPexMessage): void {
    this.sendExtended(UT_PEX, () => encodeUtPex(message));
  }

  flushed(): Promise<void> {
    return this.life.state === 'closed' ? Promise.resolve() : this.writer.flushed();
  }

  holdReading(held: boolean): void {
    if (held === this.readingHeld) return;
    this.readingHeld = held;
    if (held) this.life.holdReading();
    else this.life.releaseReading();
  }

  /** Ends the connection after what was written is flushed. */
  close(reason: DisconnectReason): void {
    if (this.life.close(reason)) this.stopTimers();
  }

  private finish(reason: DisconnectReason): void {
    this.stopTimers();
    this.options.events.onDisconnect(reason);
  }

  private stopTimers(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.cancelSilenceCheck?.();
    this.cancelSilenceCheck = undefined;
    this.guard.stop();
  }

  private send(message: BtMessage): void {
    if (this.life.state !== 'open') return;
    this.options.trace?.('sent', describeBtMessage(message));
    this.lastSentMs = this.options.clock.now();
    this.writer.write(encodeBtMessage(message), message.kind === 'have' ? 'turn' : 'tick');
  }

  /** Under the peer's id for `extension` (BEP 10); nothing when it announced none, or turned it off with 0. */
  private sendExtended(extension: string, payload: () => Buffer): void {
    const id = this.theirExtensions.get(extension);
    if (id && this.capsValue.extended) this.send({ kind: 'extended', id, payload: payload() });
  }

  private receive(chunk: Buffer): void {
    try {
      this.receiveChunk(chunk);
    } finally {
      // The socket reads its next chunk into the same buffer: what is left unread is copied now.
      if (this.reusedReadBuffer) this.reader.releaseChunks();
    }
  }

  private receiveChunk(chunk: Buffer): void {
    if (this.life.isEnding) return;
    this.lastHeardMs = this.options.clock.now();
    this.life.pauseReading(this.options.downloadThrottle?.(chunk.length) ?? 0);
    readMessages(this.loop, chunk);
  }

  /** Returns true once the whole handshake is read and accepted. */
  private readHandshake(): boolean {
    if (!this.head) {
      this.head = this.reader.readHandshakeHead();
      if (!this.head) return false;
      if (!this.head.infoHash.equals(this.options.infoHash)) {
        throw new ProtocolError('wrong-info-hash', `handshake for torrent ${this.head.infoHash.toString('hex')}, we asked for ${this.options.infoHash.toString('hex')}`);
      }
    }
    const peerId = this.reader.readPeerId();
    if (!peerId) return false;
    const refusal = this.options.checkRemote(peerId);
    if (refusal) {
      this.close({ kind: 'refused', why: refusal });
      return false;
    }
    this.remotePeerId = peerId;
    const theirs = this.head.capabilities;
    const ours = this.options.localCaps;
    this.capsValue = { extended: theirs.extended && ours.extended, fast: theirs.fast && ours.fast, dht: theirs.dht && ours.dht };
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.life.opened();
    this.cancelSilenceCheck = this.options.clock.every(SILENCE_CHECK_MS, () => this.checkSilence());
    this.options.events.onHandshake({ peerId, caps: this.capsValue });
    // BEP 10: the extension handshake follows the handshake (after our bitfield, which onHandshake sent).
    if (this.capsValue.extended && this.life.state === 'open') {
      this.send({ kind: 'extended', id: EXTENSION_HANDSHAKE_ID, payload: encodeExtensionHandshake(this.options.extensionHandshake) });
    }
    const { dhtPort } = this.options;
    if (this.capsValue.dht && dhtPort !== undefined && this.life.state === 'open') this.send({ kind: 'port', port: dhtPort });
    return this.life.state === 'open';
  }

  /** Keep-alives out when we are quiet; a peer silent past the idle timeout is dead (bittorrent.md). */
  private checkSilence(): void {
    const nowMs = this.options.clock.now();
    const silentMs = nowMs - this.lastHeardMs;
    const idleTimeoutMs = this.options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    if (silentMs >= idleTimeoutMs) return this.close({ kind: 'idle', silentMs });
    if (nowMs - this.lastSentMs >= (this.options.keepAliveMs ?? KEEP_ALIVE_MS)) this.send({ kind: 'keep-alive' });
  }

  /** The rules that need this connection's history: what was negotiated. */
  private checkState(message: BtMessage): ProtocolError | undefined {
    if (FAST_KINDS.has(message.kind) && !this.capsValue.fast) {
      return new ProtocolError('fast-not-negotiated', `${message.kind} without the fast extension (BEP 6) on both sides`);
    }
    if (message.kind === 'extended' && !this.capsValue.extended) {
      return new ProtocolError('extension-not-negotiated', 'extended message without the extension protocol (BEP 10) on both sides');
    }
    // BEP 3 puts the bitfield first, but real clients send another later (aria2 1.36 a have-all once
    // it completes): a later one is taken as what the peer holds now (Torrent.onBitfield), not refused.
    return undefined;
  }

  private dispatch(message: BtMessage): void {
    const { events, geometry } = this.options;
    if (!geometry) return this.dispatchWithoutPieces(message);
    switch (message.kind) {
      case 'choke':
        return events.onChoke();
      case 'unchoke':
        return events.onUnchoke();
      case 'interested':
        return events.onInterested();
      case 'not-interested':
        return events.onNotInterested();
      case 'have':
        return events.onHave(message.index);
      case 'port':
        return this.capsValue.dht ? events.onDhtPort?.(message.port) : undefined; // BEP 5: only from a peer that set the DHT bit
      case 'bitfield':
        return events.onBitfield(Bitfield.fromBytes(message.bits, geometry.pieceCount) as Bitfield); // checkBtMessage vetted it
      case 'have-all':
        return events.onBitfield(Bitfield.full(geometry.pieceCount));
      case 'have-none':
        return events.onBitfield(new Bitfield(geometry.pieceCount));
      case 'request':
        return events.onRequest({ index: message.index, begin: message.begin, length: message.length });
      case 'cancel':
        return events.onCancel({ index: message.index, begin: message.begin, length: message.length });
      case 'reject':
        return events.onReject({ index: message.index, begin: message.begin, length: message.length });
      case 'piece':
        return events.onPiece({ index: message.index, begin: message.begin, length: message.data.length }, message.data);
      case 'extended':
        return this.dispatchExtended(message.id, message.payload);
      default:
        return; // keep-alive (it reset the silence), suggest, allowed-fast: nothing we act on
    }
  }

  /** Fetching metadata only: the extension protocol is all that counts; a piece sent anyway goes back to the pool. */
  private dispatchWithoutPieces(message: BtMessage): void {
    if (message.kind === 'extended') return this.dispatchExtended(message.id, message.payload);
    if (message.kind === 'piece') pieceBuffers.release(message.data);
  }

  /**
   * BEP 10: id 0 is the handshake (another may come later and replaces the
   * first); any other id is one of ours, in whatever order it comes (even
   * before the peer's handshake). An id we never announced is ignored.
   */
  private dispatchExtended(id: number, payload: Buffer): void {
    const { events } = this.options;
    if (id === EXTENSION_HANDSHAKE_ID) {
      const handshake = parseExtensionHandshake(payload);
      this.theirExtensions = handshake.extensions;
      return events.onExtensionHandshake(handshake);
    }
    switch (this.ourExtensions.get(id)) {
      case UT_METADATA: {
        const message = decodeUtMetadata(payload);
        if (message) events.onMetadataMessage(message); // undefined: a msg_type BEP 9 does not define, ignored
        return;
      }
      case UT_PEX:
        return events.onPex(decodeUtPex(payload));
      default:
        return;
    }
  }
}
