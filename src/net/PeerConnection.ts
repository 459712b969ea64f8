import type { Duplex } from 'stream';
import type { Cancel, Clock } from '../common/Clock.js';
import { Bitfield } from '../core/Bitfield.js';
import { wholePiece, type BlockRef } from '../core/BlockRef.js';
import { describeMessage, type Message } from '../wire/course/Message.js';
import { MessageType } from '../wire/course/MessageType.js';
import { encodeMessage, encodePieceHeader } from '../wire/course/MessageCodec.js';
import { courseFrameLimits } from '../wire/course/dialect.js';
import { encodeHandshake } from '../wire/course/Handshake.js';
import { FrameReader } from '../wire/course/FrameReader.js';
import { ProtocolError } from '../wire/ProtocolError.js';
import { checkMessage } from '../wire/course/MessageRules.js';
import type { PieceGeometry } from '../wire/PieceGeometry.js';
import type { DisconnectReason, ProtocolHandlers, WireCommands } from './ProtocolHandlers.js';
import { DEFAULT_MAX_MESSAGES_PER_SECOND, DEFAULT_STALLED_FRAME_TIMEOUT_MS, InboundGuard } from './InboundGuard.js';
import { SocketLifecycle, type ConnectionState } from './SocketLifecycle.js';
import { SocketWriter } from './SocketWriter.js';
import { readMessages, type MessageLoop } from './readMessages.js';

export type { ConnectionState } from './SocketLifecycle.js';

export interface PeerConnectionOptions {
  socket: Duplex;
  /** Outbound: we dialled; inbound: the neighbour dialled us. */
  direction: 'outbound' | 'inbound';
  localPeerId: number;
  geometry: PieceGeometry;
  clock: Clock;
  handlers: ProtocolHandlers;
  /** Says why a handshake's peer ID is not acceptable here, or undefined when it is. */
  checkRemotePeerId(peerId: number): string | undefined;
  handshakeTimeoutMs: number;
  /** Cap on inbound bytes held while a frame is incomplete; at least one whole piece frame. */
  maxBufferedBytes?: number;
  /** Called for every message sent or received, for the debug trace. */
  trace?(direction: 'sent' | 'received', description: string): void;
  /** More messages than this in one second is a flood (each one is work and, often, a log line). */
  maxMessagesPerSecond?: number;
  /** A frame left unfinished this long, with no frame completed meanwhile, is a stalled (trickling) neighbour. */
  stalledFrameTimeoutMs?: number;
  /** Rate limits: ms to stop reading after `bytes` arrived (0: read on). */
  downloadThrottle?(bytes: number): number;
}


/**
 * One neighbour's TCP connection: the handshake, framing, validation of every
 * inbound message, and outbound writes. A neighbour that breaks a rule costs
 * only this connection.
 */
export class PeerConnection implements WireCommands {
  private remoteId: number | undefined;
  private readonly reader: FrameReader;
  private readonly writer: SocketWriter;
  private readonly guard: InboundGuard;
  private readonly loop: MessageLoop<Message>;
  private readonly life: SocketLifecycle;
  private cancelTimer: Cancel | undefined;
  /** Resolves once the socket is fully closed. */
  readonly closed: Promise<void>;

  constructor(private readonly options: PeerConnectionOptions) {
    // The largest legal message: a whole piece, or the bitfield when pieces are tiny.
    const limits = courseFrameLimits(options.geometry);
    this.reader = new FrameReader({ ...limits, maxBufferedBytes: options.maxBufferedBytes ?? limits.maxBufferedBytes });
    const { socket } = options;
    // What we let pile up unsent to one neighbour: two whole pieces and 1 MiB of small messages.
    this.writer = new SocketWriter(socket, 2 * limits.maxMessageLength + (1 << 20), (unsent) =>
      this.life.fail({ kind: 'protocol-violation', code: 'not-reading', message: `${unsent} bytes written and not taken` }),
    );
    this.guard = new InboundGuard({
      clock: options.clock,
      maxMessagesPerSecond: options.maxMessagesPerSecond ?? DEFAULT_MAX_MESSAGES_PER_SECOND,
      stalledFrameTimeoutMs: options.stalledFrameTimeoutMs ?? DEFAULT_STALLED_FRAME_TIMEOUT_MS,
    });
    this.life = new SocketLifecycle({ socket, clock: options.clock, pendingBytes: () => this.reader.bufferedBytes, closed: (reason) => this.finish(reason) });
    const { trace } = options;
    this.loop = {
      reader: this.reader,
      guard: this.guard,
      life: this.life,
      readHandshake: () => this.readHandshake(),
      violation: (message) => {
        const broken = checkMessage(message, options.geometry) ?? this.checkOrder(message);
        // Protocol ("Serving"): a request with an index out of range is dropped,
        // not fatal; the session drops it as a piece we lack.
        return broken && !(message.type === MessageType.Request && broken.code === 'index-out-of-range') ? broken : undefined;
      },
      received: trace && ((message) => trace('received', describeMessage(message))),
      dispatch: (message) => this.dispatch(message),
      close: (reason) => this.close(reason),
    };
    this.closed = this.life.whenClosed;
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.cancelTimer = options.clock.after(options.handshakeTimeoutMs, () =>
      this.close({ kind: 'handshake-timeout', timeoutMs: options.handshakeTimeoutMs }),
    );
    // Protocol: both sides send the handshake at once; never wait to read first.
    socket.write(encodeHandshake(options.localPeerId));
  }

  get state(): ConnectionState {
    return this.life.state;
  }

  get direction(): 'outbound' | 'inbound' {
    return this.options.direction;
  }

  get remotePeerId(): number | undefined {
    return this.remoteId;
  }

  sendChoke(): void {
    this.send({ type: MessageType.Choke });
  }
  sendUnchoke(): void {
    this.send({ type: MessageType.Unchoke });
  }
  sendInterested(): void {
    this.send({ type: MessageType.Interested });
  }
  sendNotInterested(): void {
    this.send({ type: MessageType.NotInterested });
  }
  sendHave(index: number): void {
    this.send({ type: MessageType.Have, index });
  }
  sendBitfield(bits: Bitfield): void {
    this.send({ type: MessageType.Bitfield, bits: bits.toBuffer() });
  }
  sendRequest(block: BlockRef): void {
    this.send({ type: MessageType.Request, index: this.wholePieceIndex(block, block.length) });
  }
  sendPiece(block: BlockRef, data: Buffer): void {
    this.send({ type: MessageType.Piece, index: this.wholePieceIndex(block, data.length), data });
  }

  /**
   * protocol.md: a request names a whole piece, and a piece message carries
   * all of it. A block that is not a whole piece is a bug on our side: the
   * course's wire has no way to say it.
   */
  private wholePieceIndex(block: BlockRef, bytes: number): number {
    const { geometry } = this.options;
    const whole = block.index >= 0 && block.index < geometry.pieceCount && block.begin === 0 && block.length === geometry.pieceLength(block.index);
    if (!whole || bytes !== block.length) throw new RangeError(`the course dialect moves whole pieces only, not piece ${block.index} [${block.begin}+${block.length}] with ${bytes} bytes`);
    return block.index;
  }

  /** A request or piece as the block it names: the whole piece (an index past the end gives an empty block, which the logic drops). */
  private blockOf(index: number): BlockRef {
    const { geometry } = this.options;
    return wholePiece(index, index < geometry.pieceCount ? geometry.pieceLength(index) : 0);
  }

  /**
   * Resolves when the socket has room for more (back-pressure): a neighbour that
   * reads slowly gets its next piece only when it took the last one.
   */
  flushed(): Promise<void> {
    return this.life.state === 'closed' ? Promise.resolve() : this.writer.flushed();
  }

  /** Ends the connection after what was written is flushed. */
  close(reason: DisconnectReason): void {
    if (!this.life.close(reason)) return;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private finish(reason: DisconnectReason): void {
    this.cancelTimer?.();
    this.guard.stop();
    this.options.handlers.onDisconnect(reason);
  }

  private send(message: Message): void {
    if (this.life.state !== 'open') return;
    this.options.trace?.('sent', describeMessage(message));
    // A piece goes out at once (with whatever was held), so back-pressure (flushed()) sees it;
    // haves wait for the loop's next turn, other small messages for the end of the tick.
    if (message.type === MessageType.Piece) this.writer.writeBlock(encodePieceHeader(message.index, message.data.length), message.data);
    else this.writer.write(encodeMessage(message), message.type === MessageType.Have ? 'turn' : 'tick');
  }

  private receive(chunk: Buffer): void {
    if (this.life.isEnding) return;
    this.life.pauseReading(this.options.downloadThrottle?.(chunk.length) ?? 0);
    readMessages(this.loop, chunk);
  }

  /** Protocol: the bitfield comes right after the handshake, or not at all. */
  private checkOrder(message: Message): ProtocolError | undefined {
    if (message.type !== MessageType.Bitfield || this.guard.count === 1) return undefined;
    return new ProtocolError('bitfield-not-first', `bitfield as message ${this.guard.count}; it may only come first`);
  }

  /** Returns true once the handshake is read and accepted. */
  private readHandshake(): boolean {
    const peerId = this.reader.readHandshake();
    if (peerId === undefined) return false;
    const refusal = this.options.checkRemotePeerId(peerId);
    if (refusal) {
      this.close({ kind: 'unexpected-peer', got: peerId, why: refusal });
      return false;
    }
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.remoteId = peerId;
    this.life.opened();
    this.options.handlers.onHandshake(peerId);
    return this.life.state === 'open';
  }

  /** checkMessage has vetted the bytes; an empty payload means "has nothing". */
  private toBitfield(bits: Buffer): Bitfield {
    const { pieceCount } = this.options.geometry;
    return bits.length === 0 ? new Bitfield(pieceCount) : (Bitfield.fromBytes(bits, pieceCount) as Bitfield);
  }

  private dispatch(message: Message): void {
    const { handlers } = this.options;
    switch (message.type) {
      case MessageType.Choke:
        return handlers.onChoke();
      case MessageType.Unchoke:
        return handlers.onUnchoke();
      case MessageType.Interested:
        return handlers.onInterested();
      case MessageType.NotInterested:
        return handlers.onNotInterested();
      case MessageType.Have:
        return handlers.onHave(message.index);
      case MessageType.Bitfield:
        return handlers.onBitfield(this.toBitfield(message.bits));
      case MessageType.Request:
        return handlers.onRequest(this.blockOf(message.index));
      case MessageType.Piece:
        return handlers.onPiece(this.blockOf(message.index), message.data);
    }
  }
}
