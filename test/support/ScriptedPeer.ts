import * as net from 'net';
import { Bitfield } from '../../src/core/Bitfield.js';
import { FrameReader, encodeHandshake, encodeMessage, maxMessageLength, describeMessage } from '../../src/wire/index.js';
import type { Message } from '../../src/wire/index.js';
import { MessageType } from '../../src/wire/index.js';
import { LOOPBACK, closeServer, listenOnLoopback } from './sockets.js';
import { DEFAULT_WAIT_MS, Waiters, withTimeout } from './waiting.js';

export type MessageOf<T extends MessageType> = Extract<Message, { type: T }>;

export interface ScriptedPeerOptions {
  /** The torrent's piece size: bounds the frames accepted from the other side. */
  pieceSize: number;
  /** Names this peer in failure messages. */
  label?: string;
}

/**
 * A fake neighbour that speaks the wire protocol by hand over a raw TCP socket
 * on 127.0.0.1, using the codec: the test decides every byte it sends (good,
 * bad or quirky) and awaits what the other side sends back. Nothing is sent
 * on its own, not even the handshake.
 *
 * Received: the other side's handshake (`remotePeerId`) and then every message,
 * in order, in `messages`. The `next*` and `waitFor` calls read through them
 * with a cursor; each wait is bounded and fails with what was received so far.
 */
export class ScriptedPeer {
  readonly messages: Message[] = [];
  remotePeerId: number | undefined;
  /** The other side sent FIN. */
  ended = false;
  /** The socket is fully closed. */
  closed = false;
  /** Bytes from the other side that did not decode (a bug on its side). */
  decodeError: Error | undefined;
  readonly label: string;
  private readonly reader: FrameReader;
  private readonly waiters = new Waiters();
  private cursor = 0;

  constructor(
    readonly socket: net.Socket,
    options: ScriptedPeerOptions,
  ) {
    this.label = options.label ?? 'scripted peer';
    const largest = maxMessageLength(options.pieceSize);
    this.reader = new FrameReader({ maxMessageLength: largest, maxBufferedBytes: largest + 4 + 1024 * 1024 });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('end', () => {
      this.ended = true;
      this.waiters.notify();
    });
    socket.on('error', () => {}); // a reset from the other side shows as 'close'
    socket.on('close', () => {
      this.closed = true;
      this.waiters.notify();
    });
  }

  /** Dials 127.0.0.1:port. */
  static connect(port: number, options: ScriptedPeerOptions): Promise<ScriptedPeer> {
    const socket = net.connect({ host: LOOPBACK, port, noDelay: true });
    const peer = new ScriptedPeer(socket, options);
    return withTimeout(
      new Promise<ScriptedPeer>((resolve, reject) => {
        socket.once('connect', () => resolve(peer));
        socket.once('error', reject);
      }),
      `${peer.label} to connect to ${LOOPBACK}:${port}`,
    );
  }

  // ---- sending -------------------------------------------------------------

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  sendHandshake(peerId: number): void {
    this.sendRaw(encodeHandshake(peerId));
  }

  /** Encodes and sends the messages in one write (one TCP segment on loopback when small). */
  send(...messages: Message[]): void {
    this.sendRaw(Buffer.concat(messages.map((m) => encodeMessage(m))));
  }

  sendBitfield(bits: Bitfield): void {
    this.send({ type: MessageType.Bitfield, bits: bits.toBuffer() });
  }

  /** Plays a seeder's opening: handshake as `peerId`, a full bitfield, then waits for the node's 'interested'. */
  async openAsSeeder(peerId: number, pieceCount: number): Promise<void> {
    this.sendHandshake(peerId);
    this.sendBitfield(Bitfield.full(pieceCount));
    await this.nextIs(MessageType.Interested);
  }

  /** Plays a seeder: answers the next `count` requests with the right pieces; returns the indices asked for. */
  async serveRequests(piece: (index: number) => Buffer, count: number): Promise<number[]> {
    const served: number[] = [];
    while (served.length < count) {
      const request = await this.nextOfType(MessageType.Request);
      this.sendPiece(request.index, piece(request.index));
      served.push(request.index);
    }
    return served;
  }

  sendHave(index: number): void {
    this.send({ type: MessageType.Have, index });
  }

  sendRequest(index: number): void {
    this.send({ type: MessageType.Request, index });
  }

  sendPiece(index: number, data: Buffer): void {
    this.send({ type: MessageType.Piece, index, data });
  }

  /** Half-closes (FIN) after what was written. */
  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  // ---- receiving -----------------------------------------------------------

  /** Messages of one type received so far (read or not). */
  received<T extends MessageType>(type: T): MessageOf<T>[] {
    return this.messages.filter((m): m is MessageOf<T> => m.type === type);
  }

  /** Short descriptions of everything received, for failure messages. */
  transcript(): string {
    const parts = this.messages.map((m) => describeMessage(m));
    const head = this.remotePeerId === undefined ? 'no handshake' : `handshake ${this.remotePeerId}`;
    return [head, ...parts].join(', ') + (this.ended ? ', <end>' : '') + (this.closed ? ', <closed>' : '');
  }

  /** Resolves with the other side's peer ID once its 32-byte handshake arrived. */
  handshake(timeoutMs = DEFAULT_WAIT_MS): Promise<number> {
    return this.until(() => this.remotePeerId, 'a handshake', timeoutMs);
  }

  /** The next message not yet read, whatever it is. */
  next(timeoutMs = DEFAULT_WAIT_MS): Promise<Message> {
    return this.waitFor(() => true, 'any message', timeoutMs);
  }

  /** The next message not yet read, which must be of `type` (a different one fails). */
  async nextIs<T extends MessageType>(type: T, timeoutMs = DEFAULT_WAIT_MS): Promise<MessageOf<T>> {
    const message = await this.next(timeoutMs);
    if (message.type !== type) {
      throw new Error(`${this.label}: expected ${MessageType[type]} next, got ${describeMessage(message)}; received: ${this.transcript()}`);
    }
    return message as MessageOf<T>;
  }

  /** Reads on until a message of `type`, skipping others (they stay in `messages`). */
  nextOfType<T extends MessageType>(type: T, timeoutMs = DEFAULT_WAIT_MS): Promise<MessageOf<T>> {
    return this.waitFor((m): m is MessageOf<T> => m.type === type, `a ${MessageType[type]} message`, timeoutMs) as Promise<
      MessageOf<T>
    >;
  }

  /** Reads on until a message matching `predicate`; the ones skipped stay in `messages`. */
  waitFor(predicate: (m: Message) => boolean, description: string, timeoutMs = DEFAULT_WAIT_MS): Promise<Message> {
    return this.until(
      () => {
        while (this.cursor < this.messages.length) {
          const message = this.messages[this.cursor++];
          if (predicate(message)) return message;
        }
        // Fail at once rather than at the time bound: nothing more can arrive.
        if (this.closed) throw new Error(`${this.label}: the connection closed before ${description}; received: ${this.transcript()}`);
        return undefined;
      },
      description,
      timeoutMs,
    );
  }

  /** Resolves once the other side has closed the connection (FIN or reset). */
  waitForClose(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.until(() => this.ended || this.closed, 'the connection to close', timeoutMs).then(() => undefined);
  }

  /** Any condition over this peer's state, re-checked on every received message and on close. */
  until<T>(probe: () => T | undefined | null | false, description: string, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    return this.waiters.until(
      () => {
        if (this.decodeError) throw new Error(`${this.label}: undecodable bytes from the other side: ${this.decodeError.message}`);
        return probe();
      },
      () => `${this.label}: ${description}; received: ${this.transcript()}`,
      timeoutMs,
    );
  }

  private receive(chunk: Buffer): void {
    if (this.decodeError) return;
    try {
      this.reader.push(chunk);
      if (this.remotePeerId === undefined) {
        this.remotePeerId = this.reader.readHandshake();
        if (this.remotePeerId === undefined) return;
      }
      for (let m = this.reader.readMessage(); m; m = this.reader.readMessage()) this.messages.push(m);
    } catch (error) {
      this.decodeError = error as Error;
    } finally {
      this.waiters.notify();
    }
  }
}

/**
 * A listening ScriptedPeer factory on 127.0.0.1 (port chosen by the OS): for a
 * node that dials an earlier peer. Every accepted connection becomes a ScriptedPeer.
 */
export class ScriptedServer {
  readonly accepted: ScriptedPeer[] = [];
  private readonly waiters = new Waiters();

  private constructor(
    readonly server: net.Server,
    readonly port: number,
  ) {}

  static async listen(options: ScriptedPeerOptions): Promise<ScriptedServer> {
    let self: ScriptedServer | undefined;
    const pending: net.Socket[] = [];
    const { server, port } = await listenOnLoopback((socket) => {
      if (self) self.add(new ScriptedPeer(socket, options));
      else pending.push(socket);
    });
    self = new ScriptedServer(server, port);
    for (const socket of pending) self.add(new ScriptedPeer(socket, options));
    return self;
  }

  /** The n-th accepted connection (1-based), once it is there. */
  connection(n = 1, timeoutMs = DEFAULT_WAIT_MS): Promise<ScriptedPeer> {
    return this.waiters.until(() => this.accepted[n - 1], `connection #${n} on port ${this.port}`, timeoutMs);
  }

  /** Stops listening and destroys every accepted socket. */
  async close(): Promise<void> {
    for (const peer of this.accepted) peer.destroy();
    await closeServer(this.server);
  }

  private add(peer: ScriptedPeer): void {
    this.accepted.push(peer);
    this.waiters.notify();
  }
}

/** A bitfield with exactly these pieces. */
export function bitfieldOf(pieceCount: number, pieces: Iterable<number>): Bitfield {
  const bits = new Bitfield(pieceCount);
  for (const index of pieces) bits.set(index);
  return bits;
}
