import { createHash } from 'crypto';
import type { Duplex } from 'stream';
import { seededRandom } from '../../src/common/Random.js';
import { Bitfield } from '../../src/core/Bitfield.js';
import type { BlockRef } from '../../src/core/BlockRef.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { routeHandshakes } from '../../src/net/bt/HandshakeRouter.js';
import { BlockGeometry } from '../../src/policy/blocks/BlockGeometry.js';
import type { DiscoveredPeer } from '../../src/swarm/PeerSource.js';
import { Torrent } from '../../src/torrent/Torrent.js';
import {
  EXTENSION_HANDSHAKE_ID,
  encodeExtensionHandshake,
  makePeerId,
  parseExtensionHandshake,
  type BtMessage,
  type Capabilities,
  type ExtensionHandshake,
} from '../../src/wire/bt/index.js';
import { rawPeerId } from '../support/btSessionHarness.js';
import { duplexPair } from '../support/duplexPair.js';
import { knownBytes } from '../support/fixtures.js';
import { eventually } from '../support/polling.js';
import { ManualClock } from '../support/ManualClock.js';
import { MemoryTorrentData, checkerFor } from '../support/MemoryTorrentData.js';
import { FULL_CAPS, RawBtPeer } from '../support/RawBtPeer.js';
import { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';
import { turnEventLoop } from '../support/waiting.js';

/** Pieces of two 16 KiB blocks: a request queue of 2 is one whole piece. */
export const RIG_PIECE_LENGTH = 32 * 1024;
export const RIG_BLOCK = 16 * 1024;
const INFO_HASH = Buffer.alloc(20, 0xab);

export interface RigOptions {
  /** Default 12. */
  pieceCount?: number;
  /** The pieces we hold at the start: all (a seed), none (default), or these. */
  held?: 'all' | 'none' | readonly number[];
  /** The torrent's random source (piece choice, tie breaks, optimistic unchoke). */
  seed?: number;
  /** Served by ut_metadata (BEP 9); the info-hash is then its SHA-1. */
  infoDictionary?: Buffer;
  /** BEP 27: no peer exchange. */
  isPrivate?: boolean;
}

export interface RawPeerOptions {
  peerId?: Buffer;
  caps?: Capabilities;
  /** Sent right after the handshake, in the same write. */
  opening?: BtMessage[];
}

/** The messages by which a peer says it has every piece, with BEP 10's `reqq` when given. */
export function seedOpening(reqq?: number): BtMessage[] {
  return [{ kind: 'have-all' }, ...(reqq === undefined ? [] : [extensionHandshake(reqq)])];
}

function extensionHandshake(reqq: number): BtMessage {
  return { kind: 'extended', id: EXTENSION_HANDSHAKE_ID, payload: encodeExtensionHandshake({ extensions: new Map(), client: 'raw 1.0', maxRequests: reqq }) };
}

/** A raw peer's extension handshake (BEP 10): the extensions it reads and their ids, and its listen port `p` when given. */
export function extensionHandshakeOf(extensions: Record<string, number>, port?: number): BtMessage {
  const handshake: ExtensionHandshake = { extensions: new Map(Object.entries(extensions)), client: 'raw 1.0', port };
  return { kind: 'extended', id: EXTENSION_HANDSHAKE_ID, payload: encodeExtensionHandshake(handshake) };
}

/** The torrent's extension handshake, as `peer` received it (once it did). */
export async function torrentExtensionHandshake(peer: RawBtPeer): Promise<ExtensionHandshake> {
  const message = await peer.until(() => peer.received('extended').find((m) => m.id === EXTENSION_HANDSHAKE_ID), "the torrent's extension handshake");
  return parseExtensionHandshake(message.payload);
}

/** The payloads of the extended messages `peer` received under `id` (the id it announced for an extension). */
export function extendedPayloads(peer: RawBtPeer, id: number): Buffer[] {
  return peer.received('extended').filter((m) => m.id === id).map((m) => m.payload);
}

/** A bitfield message holding `pieces` of a torrent of `pieceCount`. */
export function bitfieldOf(pieceCount: number, pieces: readonly number[]): BtMessage {
  const bits = new Bitfield(pieceCount);
  for (const index of pieces) bits.set(index);
  return { kind: 'bitfield', bits: bits.toBuffer() };
}

/** The last choke or unchoke a peer received from the torrent, if any. */
export function isUnchoked(peer: RawBtPeer): boolean {
  return peer.messages.filter((m) => m.kind === 'choke' || m.kind === 'unchoke').at(-1)?.kind === 'unchoke';
}

/** Its requests in order, as 'index+begin'. */
export function requested(peer: RawBtPeer): string[] {
  return peer.received('request').map((m) => `${m.index}+${m.begin}`);
}

/**
 * One Torrent under test over an in-memory transport (duplexPair) on a
 * ManualClock (no timer fires unless the test advances it), with a seeded
 * random source and every message traced to a RecordingDiagnostics; raw peers
 * (RawBtPeer) connect to it through a HandshakeRouter as a session's would, or
 * answer where it dials. A dial to an address nobody answers stays pending.
 */
export class TorrentRig {
  readonly clock = new ManualClock(1_000);
  readonly diagnostics = new RecordingDiagnostics();
  readonly layout: PieceLayout;
  readonly content: Buffer;
  readonly data: MemoryTorrentData;
  readonly localPeerId: Buffer;
  readonly infoHash: Buffer;
  readonly torrent: Torrent;
  /** Every address the torrent dialled, in order. */
  readonly dials: string[] = [];
  private readonly answering = new Map<string, (socket: Duplex) => void>();
  private readonly route: (socket: Duplex, address: string) => void;
  /** Requests each raw peer answered with serve(). */
  private readonly answered = new Map<RawBtPeer, number>();
  private peerCount = 0;
  private peerIdCount = 0;

  constructor(options: RigOptions = {}) {
    const pieceCount = options.pieceCount ?? 12;
    this.layout = new PieceLayout(pieceCount * RIG_PIECE_LENGTH, RIG_PIECE_LENGTH);
    this.content = knownBytes(this.layout.fileSize, 7);
    const held = options.held ?? 'none';
    this.data = new MemoryTorrentData(this.layout, this.content, held === 'all' ? undefined : held === 'none' ? [] : held);
    const random = seededRandom(options.seed ?? 1);
    this.localPeerId = makePeerId(random, '0100');
    this.infoHash = options.infoDictionary ? createHash('sha1').update(options.infoDictionary).digest() : INFO_HASH;
    this.torrent = new Torrent({
      infoHash: this.infoHash,
      infoDictionary: options.infoDictionary,
      isPrivate: options.isPrivate,
      geometry: new BlockGeometry(this.layout.fileSize, RIG_PIECE_LENGTH),
      checker: checkerFor(this.content, this.layout),
      data: this.data,
      localPeerId: this.localPeerId,
      listenPort: 6881,
      clientVersion: 'swarmlab 0.1.0',
      clock: this.clock,
      random,
      diagnostics: this.diagnostics,
      sources: [],
      dial: (host, port) => this.dial(`${host}:${port}`),
      traceMessages: true,
    });
    this.route = routeHandshakes({ clock: this.clock, timeoutMs: 10_000, route: (head, socket, address, rest) => this.torrent.accept(socket, address, head, rest) });
    this.torrent.start();
  }

  get pieceCount(): number {
    return this.layout.pieceCount;
  }

  /** A raw peer that dials the torrent and sends its handshake (and `opening`); not awaited. */
  arrive(label: string, options: RawPeerOptions = {}): RawBtPeer {
    const [theirs, ours] = duplexPair();
    const peer = RawBtPeer.over(theirs, this.pieceCount, label, `10.0.0.${++this.peerCount}:51413`);
    this.greet(peer, options);
    this.route(ours, peer.address);
    return peer;
  }

  /** A raw peer that dialled the torrent and was accepted: the torrent's handshake is read. */
  async open(label: string, options: RawPeerOptions = {}): Promise<RawBtPeer> {
    const peer = this.arrive(label, options);
    await peer.handshake();
    await this.diagnostics.waitFor(`connected to ${peer.address} `);
    return peer;
  }

  /** A raw peer that answers when the torrent dials `address`: it resolves once dialled. */
  answerAt(address: string, label: string, options: RawPeerOptions = {}): Promise<RawBtPeer> {
    return new Promise((resolve) => {
      this.answering.set(address, (socket) => {
        const peer = RawBtPeer.over(socket, this.pieceCount, label, address);
        this.greet(peer, options);
        resolve(peer);
      });
    });
  }

  /** Dials to `address` reach this very torrent (a tracker that lists us). */
  answerAsOurselves(address: string): void {
    this.answering.set(address, (socket) => this.route(socket, address));
  }

  /** A source reports these addresses ('host:port'). */
  discover(...addresses: string[]): void {
    this.torrent.discovered(addresses.map((address): DiscoveredPeer => {
      const [host, port] = address.split(':');
      return { host, port: Number(port), source: 'tracker' };
    }));
  }

  /**
   * Everything `peer` sent so far has been handled: a keep-alive sent now is
   * traced only after the messages before it.
   */
  async sync(peer: RawBtPeer): Promise<void> {
    const line = `from ${peer.address}: keep-alive`;
    const count = () => this.diagnostics.entries.filter((e) => e.message === line).length;
    const before = count();
    peer.send({ kind: 'keep-alive' });
    await eventually(() => count() > before || peer.closed, () => `the torrent to read ${peer.label}'s keep-alive; ${peer.transcript()}`);
  }

  /** The true bytes of a block. */
  bytesOf(block: BlockRef): Buffer {
    const start = this.layout.offsetOf(block.index) + block.begin;
    return this.content.subarray(start, start + block.length);
  }

  /** `peer` answers its next `count` requests (in the order they came), with the true bytes unless told otherwise; returns how many it answered. */
  serve(peer: RawBtPeer, count = Infinity, bytesOf = (block: BlockRef) => this.bytesOf(block)): number {
    const requests = peer.received('request');
    const from = this.answered.get(peer) ?? 0;
    const to = Math.min(requests.length, from + count);
    for (const m of requests.slice(from, to)) peer.send({ kind: 'piece', index: m.index, begin: m.begin, data: bytesOf(m) });
    this.answered.set(peer, to);
    return to - from;
  }

  /** Requests `peer` received and has not answered with serve(). */
  unanswered(peer: RawBtPeer): number {
    return peer.received('request').length - (this.answered.get(peer) ?? 0);
  }

  /** The connection with `peer` ended on the torrent's side, for `reason` as describeReason words it. */
  async ended(peer: RawBtPeer, reason = ''): Promise<void> {
    await peer.waitForClose();
    await this.diagnostics.waitFor(`connection with ${peer.address} ended: ${reason}`);
  }

  /**
   * What the torrent sent so far has reached the raw peers: its small messages
   * leave at the end of the tick or the loop's next turn (SocketWriter), and
   * the in-memory transport hands them over at once. Used before asserting
   * that something was NOT sent.
   */
  settle(): Promise<void> {
    return turnEventLoop(3);
  }

  stop(): Promise<void> {
    return this.torrent.stop();
  }

  private greet(peer: RawBtPeer, options: RawPeerOptions): void {
    peer.sendHandshake(this.infoHash, options.peerId ?? rawPeerId(++this.peerIdCount), options.caps ?? FULL_CAPS);
    if (options.opening?.length) peer.send(...options.opening);
  }

  private dial(address: string): Promise<Duplex> {
    this.dials.push(address);
    const answer = this.answering.get(address);
    if (!answer) return new Promise(() => {}); // nobody there: the dial never completes
    const [ours, theirs] = duplexPair();
    answer(theirs);
    return Promise.resolve(ours);
  }
}
