import * as net from 'net';
import { randomInt, seededRandom, type Random } from '../../src/common/Random.js';
import { Bitfield } from '../../src/core/Bitfield.js';
import type { PieceLayout } from '../../src/core/PieceLayout.js';
import { FrameReader, MessageType, encodeHandshake, encodeMessage, maxMessageLength, type Message } from '../../src/wire/index.js';
import { LOOPBACK } from './sockets.js';
import { pieceOf } from './fixtures.js';

export interface ChaosTarget {
  peerId: number;
  port: number;
}

export interface ChaosPeerOptions {
  /** Our own ID: listed LAST in PeerInfo.cfg with hasFile 1, so every real peer counts us as complete. */
  peerId: number;
  /** The real peers to dial (all listed before us). */
  targets: readonly ChaosTarget[];
  layout: PieceLayout;
  /** The true file: requests are answered with these bytes. */
  file: Buffer;
  seed: number;
  /** Mutated frames to send in total, over all targets. */
  budget: number;
  /** Connections to one target at most (the first one included): the redial bound. */
  maxConnectionsPerTarget?: number;
  /** Mutated frames per burst written before looking at what came back. */
  maxFramesPerBurst?: number;
  /**
   * A second, honest identity, listed in PeerInfo.cfg after the chaos peer.
   * It dials every real peer only once the budget is spent: since a real peer
   * exits only when it knows every listed peer is complete, none can finish
   * (and stop accepting) before the chaos is over, however fast they swarm.
   */
  gatePeerId?: number;
}

/** What happened, for the test's assertions and its failure messages. */
export interface ChaosStats {
  framesSent: number;
  bytesSent: number;
  connections: number;
  /** Connections the real peer closed before answering our handshake and bitfield. */
  refusedAtHandshake: number;
  /** Connections the real peer closed (after accepting them). */
  closedByPeer: number;
  /** Connections we closed ourselves: a request came while our stream was misaligned. */
  closedByUs: number;
  requestsAnswered: number;
  piecesReceived: number;
  /** Bytes from a real peer that did not decode: a bug on its side. */
  decodeErrors: string[];
  mutations: Record<string, number>;
}

type Mutation = 'flip' | 'truncate' | 'extend' | 'length' | 'type' | 'duplicate' | 'concatenate';
const MUTATIONS: readonly Mutation[] = ['flip', 'truncate', 'extend', 'length', 'type', 'duplicate', 'concatenate'];
/** Mutation bases: every type but piece, so corrupt piece data can never be framed correctly. */
const BASE_TYPES = [
  MessageType.Choke,
  MessageType.Unchoke,
  MessageType.Interested,
  MessageType.NotInterested,
  MessageType.Have,
  MessageType.Request,
  MessageType.Bitfield,
] as const;

/**
 * A scripted seeder that fuzzes real peers (seeded): it dials every target
 * and, on each connection, sends a valid handshake and a valid full bitfield,
 * then mutated control frames (never based on piece frames) in random-sized
 * chunks, redialling when the real peer closes, until the budget is spent.
 * It is honest about data: a valid request is answered with the true piece,
 * so a real peer unchoked by a mutated 'unchoke' never waits forever; if a
 * request comes while its stream is misaligned (where a piece frame could not
 * be read right), it closes that connection itself so the request is voided.
 * After the budget it stays connected, answering honestly, until the real
 * peers close (a refused redial means the peer has exited).
 */
export class ChaosPeer {
  readonly stats: ChaosStats = {
    framesSent: 0,
    bytesSent: 0,
    connections: 0,
    refusedAtHandshake: 0,
    closedByPeer: 0,
    closedByUs: 0,
    requestsAnswered: 0,
    piecesReceived: 0,
    decodeErrors: [],
    mutations: Object.fromEntries(MUTATIONS.map((m) => [m, 0])),
  };
  /** Resolves once every target's loop has ended (each real peer gone, or the redial bound reached). */
  readonly done: Promise<void>;
  private readonly sockets = new Set<net.Socket>();
  private readonly budgetWaiters: (() => void)[] = [];
  private stopped = false;
  /** When the last mutated frame went out (Date.now()). */
  budgetSpentAt: number | undefined;
  readonly startedAt = Date.now();
  private readonly pieceFrameLengths: Set<number>;
  private readonly realMaxMessage: number;

  constructor(private readonly options: ChaosPeerOptions) {
    const { layout } = options;
    this.realMaxMessage = maxMessageLength(layout.pieceLength(0));
    this.pieceFrameLengths = new Set([maxMessageLength(layout.pieceLength(0)), maxMessageLength(layout.pieceLength(layout.pieceCount - 1))]);
    const fuzzers = options.targets.map((target, i) =>
      this.runTarget(target, options.peerId, seededRandom((options.seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0), true),
    );
    const { gatePeerId } = options;
    const gate =
      gatePeerId === undefined
        ? Promise.resolve()
        : this.budgetSpent().then(() => Promise.all(options.targets.map((target) => this.runTarget(target, gatePeerId, seededRandom(options.seed), false))));
    this.done = Promise.all([...fuzzers, gate]).then(() => undefined);
  }

  get budgetLeft(): number {
    return this.options.budget - this.stats.framesSent;
  }

  /** Resolves once the whole budget has been sent. */
  budgetSpent(): Promise<void> {
    if (this.budgetLeft <= 0) return Promise.resolve();
    return new Promise((resolve) => this.budgetWaiters.push(resolve));
  }

  /** Destroys every socket and stops redialling. */
  stop(): void {
    this.stopped = true;
    for (const socket of this.sockets) socket.destroy();
  }

  // ---- one target ------------------------------------------------------------

  /** Dials one target again and again (bounded) until it refuses: it has exited. */
  private async runTarget(target: ChaosTarget, identity: number, random: Random, fuzz: boolean): Promise<void> {
    const maxConnections = this.options.maxConnectionsPerTarget ?? 5_000;
    for (let n = 0; n < maxConnections && !this.stopped; n++) {
      const socket = await this.connect(target.port);
      if (!socket) return; // refused: the real peer has exited
      this.stats.connections++;
      await this.runConnection(socket, identity, random, fuzz);
    }
  }

  private connect(port: number): Promise<net.Socket | undefined> {
    return new Promise((resolve) => {
      const socket = net.connect({ host: LOOPBACK, port, noDelay: true });
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(socket);
      });
      socket.once('error', () => {
        socket.destroy();
        resolve(undefined);
      });
    });
  }

  private async runConnection(socket: net.Socket, identity: number, random: Random, fuzz: boolean): Promise<void> {
    const { layout } = this.options;
    this.sockets.add(socket);
    const reader = new FrameReader({
      maxMessageLength: Math.max(this.realMaxMessage, 1 + Bitfield.byteLength(layout.pieceCount)),
      maxBufferedBytes: 8 * 1024 * 1024,
    });
    const state = {
      closed: false,
      accepted: false,
      handshake: false,
      aligned: true,
      requests: [] as number[],
      wake: undefined as (() => void) | undefined,
    };
    const wake = () => {
      const w = state.wake;
      state.wake = undefined;
      w?.();
    };
    socket.on('error', () => {});
    socket.on('close', () => {
      state.closed = true;
      this.sockets.delete(socket);
      wake();
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
        if (!state.handshake) {
          if (reader.readHandshake() === undefined) return;
          state.handshake = true;
        }
        for (let m = reader.readMessage(); m; m = reader.readMessage()) this.onMessage(m, state);
      } catch (error) {
        this.stats.decodeErrors.push((error as Error).message);
        socket.destroy();
      }
      wake();
    });
    const idle = () => new Promise<void>((resolve) => (state.wake = resolve));

    socket.write(Buffer.concat([encodeHandshake(identity), encodeMessage({ type: MessageType.Bitfield, bits: Bitfield.full(layout.pieceCount).toBuffer() })]));
    // The real peer answers our bitfield with 'interested' or 'not interested': then it has accepted us.
    while (!state.accepted && !state.closed) await idle();
    if (!state.accepted) {
      this.stats.refusedAtHandshake++;
      return;
    }

    let tail = Buffer.alloc(0); // the last bytes sent, to scan across unit boundaries
    while (!state.closed) {
      // Honest part: answer requests, but only where the real peer reads frames where we wrote them.
      if (state.requests.length > 0) {
        if (!state.aligned) {
          this.stats.closedByUs++;
          socket.destroy();
          break;
        }
        for (const index of state.requests.splice(0)) {
          await this.write(socket, encodeMessage({ type: MessageType.Piece, index, data: pieceOf(this.options.file, layout, index) }));
          this.stats.requestsAnswered++;
        }
        tail = Buffer.alloc(0);
        continue;
      }
      if (!fuzz || this.budgetLeft <= 0) {
        await idle(); // honest only (after the budget): wait for requests or the close
        continue;
      }
      const { bytes, frames, aligned } = this.burst(random);
      const safe = this.withoutPieceHeaders(tail, bytes);
      if (!aligned) state.aligned = false;
      // Random-sized chunks, each its own write (with Nagle off, its own TCP segment on loopback).
      for (const chunk of this.chunks(safe, random)) this.writeNow(socket, chunk);
      if (state.closed) break;
      this.countFrames(frames);
      tail = Buffer.from(safe.subarray(Math.max(0, safe.length - 4)));
      await new Promise<void>((resolve) => setImmediate(resolve)); // let the answer (or the close) in
    }
    if (state.closed && state.accepted) this.stats.closedByPeer++;
    await new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));
  }

  private onMessage(m: Message, state: { accepted: boolean; requests: number[] }): void {
    switch (m.type) {
      case MessageType.Interested:
      case MessageType.NotInterested:
        state.accepted = true;
        break;
      case MessageType.Request:
        if (m.index < this.options.layout.pieceCount && !state.requests.includes(m.index)) state.requests.push(m.index);
        break;
      case MessageType.Piece:
        this.stats.piecesReceived++;
        break;
    }
  }

  private write(socket: net.Socket, bytes: Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (socket.destroyed) return resolve();
      socket.write(bytes, () => resolve());
      this.stats.bytesSent += bytes.length;
    });
  }

  private writeNow(socket: net.Socket, bytes: Buffer): void {
    if (socket.destroyed) return;
    socket.write(bytes);
    this.stats.bytesSent += bytes.length;
  }

  private countFrames(frames: number): void {
    this.stats.framesSent += frames;
    if (this.budgetLeft <= 0) {
      this.budgetSpentAt ??= Date.now();
      for (const resolve of this.budgetWaiters.splice(0)) resolve();
    }
  }

  // ---- mutation ----------------------------------------------------------------

  /** One burst: 1..max mutated frames, never more than the budget left. */
  private burst(random: Random): { bytes: Buffer; frames: number; aligned: boolean } {
    const limit = Math.min(this.budgetLeft, this.options.maxFramesPerBurst ?? 4);
    const parts: Buffer[] = [];
    let frames = 0;
    let aligned = true;
    while (frames < limit) {
      const one = this.mutated(random, limit - frames);
      parts.push(one.bytes);
      frames += one.frames;
      aligned &&= one.aligned;
      if (randomInt(random, 2) === 0) break;
    }
    return { bytes: Buffer.concat(parts), frames, aligned };
  }

  private mutated(random: Random, room: number): { bytes: Buffer; frames: number; aligned: boolean } {
    const mutation = MUTATIONS[randomInt(random, MUTATIONS.length)];
    if (mutation === 'concatenate' && room >= 2) {
      const count = 2 + randomInt(random, Math.min(3, room - 1));
      const parts = Array.from({ length: count }, () => this.mutateOne(random, MUTATIONS[randomInt(random, MUTATIONS.length - 1)]));
      this.stats.mutations.concatenate++;
      return { bytes: Buffer.concat(parts), frames: count, aligned: this.isAligned(Buffer.concat(parts)) };
    }
    const bytes = this.mutateOne(random, mutation === 'concatenate' ? 'flip' : mutation);
    return { bytes, frames: 1, aligned: this.isAligned(bytes) };
  }

  private mutateOne(random: Random, mutation: Mutation): Buffer {
    this.stats.mutations[mutation]++;
    const frame = Buffer.from(this.baseFrame(random));
    switch (mutation) {
      case 'flip': {
        const flips = 1 + randomInt(random, 3);
        for (let i = 0; i < flips; i++) frame[randomInt(random, frame.length)] = randomInt(random, 256);
        return this.notPiece(frame);
      }
      case 'truncate':
        return frame.subarray(0, 1 + randomInt(random, frame.length - 1)); // 1 .. length-1 bytes
      case 'extend':
        return Buffer.concat([frame, randomBytes(random, 1 + randomInt(random, 16))]);
      case 'length': {
        const choice = randomInt(random, 3);
        const value = choice === 0 ? randomInt(random, 8) : choice === 1 ? 0x01000000 + randomInt(random, 0xfeffffff) : 0;
        frame.writeUInt32BE(value >>> 0, 0);
        return frame;
      }
      case 'type': {
        let type = randomInt(random, 255);
        if (type >= MessageType.Piece) type++; // 0..255 without 7
        frame[4] = type;
        return frame;
      }
      case 'duplicate':
      default:
        return Buffer.concat(Array.from({ length: 2 + randomInt(random, 2) }, () => frame));
    }
  }

  /** A valid frame of any type but piece (the bitfield one is valid too: only its place is wrong). */
  private baseFrame(random: Random): Buffer {
    const { pieceCount } = this.options.layout;
    const type = BASE_TYPES[randomInt(random, BASE_TYPES.length)];
    switch (type) {
      case MessageType.Have:
      case MessageType.Request:
        return encodeMessage({ type, index: randomInt(random, pieceCount) });
      case MessageType.Bitfield: {
        const bits = new Bitfield(pieceCount);
        for (let i = 0; i < pieceCount; i++) if (randomInt(random, 2) === 0) bits.set(i);
        return encodeMessage({ type, bits: bits.toBuffer() });
      }
      default:
        return encodeMessage({ type } as Message);
    }
  }

  /** A mutated frame keeps a type byte other than 7. */
  private notPiece(frame: Buffer): Buffer {
    if (frame.length > 4 && frame[4] === MessageType.Piece) frame[4] = MessageType.Piece + 1;
    return frame;
  }

  /** True when the bytes are whole frames of lengths the real peer accepts: its reader stays on our frame boundaries. */
  private isAligned(bytes: Buffer): boolean {
    let offset = 0;
    while (offset < bytes.length) {
      if (bytes.length - offset < 4) return false;
      const length = bytes.readUInt32BE(offset);
      if (length === 0 || length > this.realMaxMessage) return false;
      offset += 4 + length;
    }
    return offset === bytes.length;
  }

  /**
   * Belt and braces: no 5 bytes of the stream, at any offset, may read as the
   * header of a piece frame (a piece-sized length, then type 7), so a reader
   * knocked off our frame boundaries can never take garbage for a piece.
   */
  private withoutPieceHeaders(tail: Buffer, bytes: Buffer): Buffer {
    const joined = Buffer.concat([tail, bytes]);
    for (let at = 0; at + 5 <= joined.length; at++) {
      if (joined[at + 4] === MessageType.Piece && this.pieceFrameLengths.has(joined.readUInt32BE(at))) joined[at + 4] = MessageType.Piece + 1;
    }
    return joined.subarray(tail.length);
  }

  private *chunks(bytes: Buffer, random: Random): Generator<Buffer> {
    for (let at = 0; at < bytes.length; ) {
      const size = 1 + randomInt(random, Math.min(bytes.length - at, 1 + randomInt(random, 64)));
      yield bytes.subarray(at, at + size);
      at += size;
    }
  }
}

function randomBytes(random: Random, count: number): Buffer {
  return Buffer.from(Array.from({ length: count }, () => randomInt(random, 256)));
}
