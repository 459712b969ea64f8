import * as net from 'net';
import type { Duplex } from 'stream';
import type { BlockRef } from '../../src/core/BlockRef.js';
import { BtFrameReader, describeBtMessage, encodeBtHandshake, encodeBtMessage } from '../../src/wire/bt/index.js';
import type { BtMessage, BtMessageKind, Capabilities } from '../../src/wire/bt/index.js';
import { LOOPBACK } from './sockets.js';
import { DEFAULT_WAIT_MS, Waiters, withTimeout } from './waiting.js';

export type BtMessageOf<K extends BtMessageKind> = Extract<BtMessage, { kind: K }>;

/** Both BEP 6 and BEP 10, as swarmlab and most clients announce. */
export const FULL_CAPS: Capabilities = { extended: true, fast: true, dht: false };

/**
 * A BitTorrent peer spoken by hand (the BitTorrent counterpart of
 * ScriptedPeer), over a raw TCP socket on 127.0.0.1 (`connect`) or over one
 * end of an in-memory duplexPair (`over`): the test decides every byte it
 * sends, good or bad, and awaits what comes back. It sends nothing on its own
 * unless told to answer requests (`answerRequests`).
 *
 * Received: the other side's 68-byte handshake (`remotePeerId`), then every
 * message in order in `messages`; `bytesReceived` counts every byte, so a test
 * can tell "closed before a byte was said".
 */
export class RawBtPeer {
  readonly messages: BtMessage[] = [];
  remotePeerId: Buffer | undefined;
  bytesReceived = 0;
  /** FIN or reset from the other side. */
  closed = false;
  decodeError: Error | undefined;
  /** How the other side names this connection in its log: our end's address (kept after a close). */
  address = '';
  private readonly reader: BtFrameReader;
  private readonly waiters = new Waiters();
  private cursor = 0;
  private headRead = false;
  private answer: ((block: BlockRef) => Buffer) | undefined;

  private constructor(
    readonly socket: Duplex,
    pieceCount: number,
    readonly label: string,
  ) {
    this.reader = new BtFrameReader(pieceCount);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => {}); // a reset shows as 'close'
    const onClosed = () => {
      this.closed = true;
      this.waiters.notify();
    };
    socket.on('end', onClosed);
    socket.on('close', onClosed);
  }

  /** Dials 127.0.0.1:port; a torrent of `pieceCount` pieces bounds what is read back. */
  static async connect(port: number, pieceCount: number, label: string): Promise<RawBtPeer> {
    const socket = net.connect({ host: LOOPBACK, port, noDelay: true });
    const peer = new RawBtPeer(socket, pieceCount, label);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('error', reject);
      }),
      `${label} to connect to ${LOOPBACK}:${port}`,
    );
    peer.address = `${LOOPBACK}:${socket.localPort}`;
    return peer;
  }

  /** Speaks over `socket` (an in-memory transport's end); `address` is how the other side names it. */
  static over(socket: Duplex, pieceCount: number, label: string, address: string): RawBtPeer {
    const peer = new RawBtPeer(socket, pieceCount, label);
    peer.address = address;
    socket.once('end', () => socket.end()); // as a TCP socket does (allowHalfOpen false): their FIN, then ours
    return peer;
  }


  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  sendHandshake(infoHash: Buffer, peerId: Buffer, capabilities: Capabilities = FULL_CAPS): void {
    this.sendRaw(encodeBtHandshake({ capabilities, infoHash, peerId }));
  }

  /** Encodes the messages and sends them in one write. */
  send(...messages: BtMessage[]): void {
    this.sendRaw(Buffer.concat(messages.map((m) => encodeBtMessage(m))));
  }

  /** From now on every request is answered at once with `bytesOf(block)` (an honest seed). */
  answerRequests(bytesOf: (block: BlockRef) => Buffer): void {
    this.answer = bytesOf;
    for (const m of this.received('request')) this.send({ kind: 'piece', index: m.index, begin: m.begin, data: bytesOf(m) });
  }

  destroy(): void {
    this.socket.destroy();
  }

  received<K extends BtMessageKind>(kind: K): BtMessageOf<K>[] {
    return this.messages.filter((m): m is BtMessageOf<K> => m.kind === kind);
  }

  transcript(): string {
    const head = this.remotePeerId ? 'handshake' : `no handshake (${this.bytesReceived} bytes)`;
    return [head, ...this.messages.map((m) => describeBtMessage(m))].join(', ') + (this.closed ? ', <closed>' : '');
  }

  /** The other side's peer id, once its whole handshake arrived. */
  handshake(): Promise<Buffer> {
    return this.until(() => this.remotePeerId, 'a handshake');
  }

  /** Reads on (from where the last wait stopped) to the next message of `kind`. */
  nextOfKind<K extends BtMessageKind>(kind: K, timeoutMs = DEFAULT_WAIT_MS): Promise<BtMessageOf<K>> {
    return this.until(
      () => {
        while (this.cursor < this.messages.length) {
          const message = this.messages[this.cursor++];
          if (message.kind === kind) return message as BtMessageOf<K>;
        }
        if (this.closed) throw new Error(`${this.label}: closed before a ${kind}; received: ${this.transcript()}`);
        return undefined;
      },
      `a ${kind}`,
      timeoutMs,
    );
  }

  waitForClose(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.until(() => this.closed, 'the connection to close', timeoutMs).then(() => undefined);
  }

  /** Any condition, re-checked on every received chunk and on close. */
  until<T>(probe: () => T | undefined | null | false, description: string, timeoutMs = DEFAULT_WAIT_MS): Promise<T> {
    return this.waiters.until(
      () => {
        if (this.decodeError) throw new Error(`${this.label}: undecodable bytes: ${this.decodeError.message}`);
        return probe();
      },
      () => `${this.label}: ${description}; received: ${this.transcript()}`,
      timeoutMs,
    );
  }

  private receive(chunk: Buffer): void {
    this.bytesReceived += chunk.length;
    if (this.decodeError) return;
    try {
      this.reader.push(chunk);
      if (!this.remotePeerId) {
        this.headRead ||= this.reader.readHandshakeHead() !== undefined;
        this.remotePeerId = this.headRead ? this.reader.readPeerId() : undefined;
        if (!this.remotePeerId) return;
      }
      for (let m = this.reader.readMessage(); m; m = this.reader.readMessage()) {
        this.messages.push(m);
        if (m.kind === 'request' && this.answer) this.send({ kind: 'piece', index: m.index, begin: m.begin, data: this.answer(m) });
        this.waiters.notify(); // each message as it comes: several share a chunk when written together
      }
    } catch (error) {
      this.decodeError = error as Error;
    } finally {
      this.waiters.notify();
    }
  }
}
