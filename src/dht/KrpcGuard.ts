import bencode from 'bencode';
import type { KrpcUdpSocket } from 'bittorrent-dht';
import type * as dgram from 'dgram';
import { EventEmitter } from 'events';
import type { Cancel, Clock } from '../common/Clock.js';
import { bdecode, BDict, type BdecodeLimits, type BValue } from '../core/bencode/bdecode.js';
import type { AddressPolicy } from './addressPolicy.js';
import { DatagramBucket, PerAddressLimiter, type Rate } from './datagramRates.js';

export interface KrpcGuardLimits {
  /** Larger datagrams are dropped unread: a KRPC message fits one unfragmented packet (BEP 5 replies carry at most 8 nodes or ~100 peers). */
  maxDatagramBytes: number;
  /** Datagrams taken from one source address. */
  inboundPerAddress: Rate;
  /** Source addresses remembered for that rate. */
  maxTrackedAddresses: number;
  /** Queries we send, over all nodes; the rest wait in a queue. */
  outboundQueries: Rate;
  maxQueuedQueries: number;
  /** Peers in one get_peers reply of ours: bittorrent-dht sends every peer it holds for the info-hash (libtorrent sends at most 100). */
  maxPeersPerReply: number;
  /** How long a reply to one of our queries is expected (past k-rpc-socket's own timeout). */
  replyWaitMs: number;
  /** Queries awaiting a reply that we remember. */
  maxOutstandingQueries: number;
}

export const DEFAULT_KRPC_GUARD_LIMITS: KrpcGuardLimits = {
  maxDatagramBytes: 2048,
  inboundPerAddress: { perSecond: 20, burst: 50 },
  maxTrackedAddresses: 4096,
  outboundQueries: { perSecond: 50, burst: 50 },
  maxQueuedQueries: 256,
  maxPeersPerReply: 100,
  replyWaitMs: 10_000,
  maxOutstandingQueries: 1024,
};

/** Why datagrams were dropped, counted (a flood must not fill the log with a line each). */
export interface KrpcGuardCounts {
  tooLarge: number;
  notBencode: number;
  malformed: number;
  badNodeId: number;
  unexpectedReply: number;
  rateLimited: number;
  refusedAddress: number;
  selfAddressed: number;
  queueFull: number;
}

export function noDrops(): KrpcGuardCounts {
  return { tooLarge: 0, notBencode: 0, malformed: 0, badNodeId: 0, unexpectedReply: 0, rateLimited: 0, refusedAddress: 0, selfAddressed: 0, queueFull: 0 };
}

/** BEP 5: node ids are 20 bytes (SHA-1 sized). */
const NODE_ID_BYTES = 20;

/** A KRPC message's envelope, with its whole decoded dictionary (to rewrite an outgoing reply). */
type Krpc = { t: Buffer; y: 'q' | 'r' | 'e'; id?: Buffer; whole: BDict };

/**
 * The UDP socket k-rpc-socket talks through (its `socket` option): what
 * bittorrent-dht leaves to its user is checked here, before the library
 * sees a byte. In: a source address outside the policy, over its rate, a
 * datagram over the size cap, not bencode, not a KRPC dictionary, a node id
 * of the wrong length, or a reply or error that answers no query of ours
 * (transaction id and address) is dropped; k-rpc would otherwise add the
 * sender of any reply to the routing table. Out: nothing to an address
 * outside the policy or to ourselves (a `nodes` list naming us), queries at
 * a bounded rate, queued beyond it, and replies with a bounded number of peers.
 */
export class KrpcGuard extends EventEmitter implements KrpcUdpSocket {
  readonly counts = noDrops();
  private readonly inbound: PerAddressLimiter;
  private readonly outbound: DatagramBucket;
  /** "host:port:transaction id" of each query sent, with when we stop waiting for its reply. */
  private readonly outstanding = new Map<string, number>();
  private readonly queue: { buffer: Buffer; port: number; host: string }[] = [];
  private cancelDrain: Cancel | undefined;

  constructor(
    private readonly socket: dgram.Socket,
    private readonly options: { limits: KrpcGuardLimits; clock: Clock; accepts: AddressPolicy; isOwnHost(host: string): boolean },
  ) {
    super();
    const { limits, clock } = options;
    this.inbound = new PerAddressLimiter(limits.inboundPerAddress, clock, limits.maxTrackedAddresses);
    this.outbound = new DatagramBucket(limits.outboundQueries, clock);
    socket.on('message', (buffer: Buffer, from: dgram.RemoteInfo) => this.receive(buffer, from));
    for (const event of ['listening', 'error', 'close']) socket.on(event, (...args: unknown[]) => this.emit(event, ...args));
  }

  get queuedQueries(): number {
    return this.queue.length;
  }

  send(buffer: Buffer, offset: number, length: number, port: number, host: string, callback?: (error: Error | null) => void): void {
    const datagram = buffer.subarray(offset, offset + length);
    // A datagram we do not send is one the network lost: k-rpc-socket times the query out.
    if (callback) process.nextTick(callback, null);
    if (!this.options.accepts(host)) return void this.counts.refusedAddress++;
    if (this.isOurselves(host, port)) return void this.counts.selfAddressed++;
    const message = parseKrpc(datagram, OUTGOING_LIMITS);
    if (message?.y === 'r') return this.transmit(this.withFewerPeers(message, datagram), port, host);
    if (!message || message.y !== 'q') return this.transmit(datagram, port, host);
    this.expect(`${host}:${port}:${message.t.toString('hex')}`);
    if (this.queue.length === 0 && this.outbound.take()) return this.transmit(datagram, port, host);
    if (this.queue.length >= this.options.limits.maxQueuedQueries) return void this.counts.queueFull++;
    this.queue.push({ buffer: Buffer.from(datagram), port, host });
    this.scheduleDrain();
  }

  bind(port?: number, address?: string, callback?: () => void): void {
    this.socket.bind(port, address, callback);
  }

  address(): { address: string; port: number; family: string } {
    return this.socket.address();
  }

  close(): void {
    this.cancelDrain?.();
    this.queue.length = 0;
    this.outstanding.clear();
    this.socket.close();
  }

  private receive(buffer: Buffer, from: dgram.RemoteInfo): void {
    const { limits, accepts } = this.options;
    if (!accepts(from.address) || from.port === 0) return void this.counts.refusedAddress++;
    if (!this.inbound.allows(from.address)) return void this.counts.rateLimited++;
    if (buffer.length > limits.maxDatagramBytes) return void this.counts.tooLarge++;
    const message = parseKrpc(buffer, INCOMING_LIMITS);
    if (message === undefined) return void this.counts.notBencode++;
    if (message === null) return void this.counts.malformed++;
    if (message.y !== 'e' && message.id?.length !== NODE_ID_BYTES) return void this.counts.badNodeId++;
    if (message.y !== 'q' && !this.answered(`${from.address}:${from.port}:${message.t.toString('hex')}`)) return void this.counts.unexpectedReply++;
    this.emit('message', buffer, from);
  }

  /**
   * The reply with at most maxPeersPerReply of its `values` (the library
   * shuffles them, so the first ones are a random pick): one get_peers must
   * not make us send kilobytes (an amplifier) or a datagram over UDP's size.
   */
  private withFewerPeers(reply: Krpc, datagram: Buffer): Buffer {
    const r = reply.whole.get('r') as BDict;
    const values = r.get('values');
    const limit = this.options.limits.maxPeersPerReply;
    if (!Array.isArray(values) || values.length <= limit) return datagram;
    r.set('values', values.slice(0, limit));
    return bencode.encode(plain(reply.whole));
  }

  /** dgram throws on a closed socket: a send racing the close is a warning, not an exception inside the library. */
  private transmit(datagram: Buffer, port: number, host: string): void {
    try {
      this.socket.send(datagram, port, host);
    } catch (error) {
      this.emit('warning', error);
    }
  }

  private isOurselves(host: string, port: number): boolean {
    let bound: { address: string; port: number };
    try {
      bound = this.socket.address();
    } catch {
      return false; // not bound yet: nothing of ours listens there
    }
    return port === bound.port && (host === bound.address || this.options.isOwnHost(host));
  }

  private expect(key: string): void {
    const now = this.options.clock.now();
    if (this.outstanding.size >= this.options.limits.maxOutstandingQueries) {
      for (const [k, until] of this.outstanding) if (until <= now) this.outstanding.delete(k);
      if (this.outstanding.size >= this.options.limits.maxOutstandingQueries) this.outstanding.delete(this.outstanding.keys().next().value!);
    }
    this.outstanding.set(key, now + this.options.limits.replyWaitMs);
  }

  /** True (once) for the reply to a query we sent and still wait for. */
  private answered(key: string): boolean {
    const until = this.outstanding.get(key);
    this.outstanding.delete(key);
    return until !== undefined && until > this.options.clock.now();
  }

  private scheduleDrain(): void {
    if (this.cancelDrain) return;
    this.cancelDrain = this.options.clock.after(this.outbound.waitMs(), () => {
      this.cancelDrain = undefined;
      while (this.queue.length > 0 && this.outbound.take()) {
        const next = this.queue.shift()!;
        this.transmit(next.buffer, next.port, next.host);
      }
      if (this.queue.length > 0) this.scheduleDrain();
    });
  }
}

/**
 * Incoming datagrams are under maxDatagramBytes before they are decoded, so
 * the value count is bounded by it; KRPC nests three or four levels (BEP 44
 * values a few more).
 */
const INCOMING_LIMITS: BdecodeLimits = { maxDepth: 16, maxValues: 4096 };
/** Our own replies: as many values as the library puts in (it lists every peer it holds). */
const OUTGOING_LIMITS: BdecodeLimits = { maxDepth: 16, maxValues: 1_000_000 };

/**
 * The KRPC envelope (BEP 5) of a datagram: undefined when it is not bencode,
 * null when it is not a KRPC message. Decoded by our strict decoder: the
 * bencode 2 that k-rpc-socket decodes with loops forever on `l-3:e` and
 * overflows its stack on deep nesting, so only well-formed bencode reaches it.
 */
function parseKrpc(datagram: Buffer, limits: BdecodeLimits): Krpc | null | undefined {
  let value: BValue;
  try {
    value = bdecode(datagram, limits);
  } catch {
    return undefined;
  }
  // bencode 2 gives a `__proto__` key the object's prototype: no KRPC message has one.
  if (!(value instanceof BDict) || datagram.includes(PROTO_KEY)) return null;
  const t = value.get('t');
  const y = value.get('y');
  if (!Buffer.isBuffer(t) || !Buffer.isBuffer(y)) return null;
  const kind = y.toString('latin1');
  if (kind !== 'q' && kind !== 'r' && kind !== 'e') return null;
  const q = value.get('q');
  const body = value.get(kind === 'q' ? 'a' : 'r');
  if (kind === 'q' && (!Buffer.isBuffer(q) || !(body instanceof BDict))) return null;
  if (kind === 'r' && !(body instanceof BDict)) return null;
  const id = kind !== 'e' && body instanceof BDict ? body.get('id') : undefined;
  return { t, y: kind, id: Buffer.isBuffer(id) ? id : undefined, whole: value };
}

const PROTO_KEY = Buffer.from('9:__proto__');

/** A decoded value as bencode 2's encoder takes it (it sorts the keys again). */
function plain(value: BValue): unknown {
  if (value instanceof BDict) return Object.fromEntries([...value].map(([key, item]) => [key, plain(item)]));
  return Array.isArray(value) ? value.map(plain) : value;
}
