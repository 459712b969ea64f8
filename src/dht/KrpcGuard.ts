import bencode from 'bencode';
import type { KrpcUdpSocket } from 'bittorrent-dht';
import type * as dgram from 'dgram';
import { EventEmitter } from 'events';
import type { Cancel, Clock } from '../common/Clock.js';
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
type Krpc = { t: Buffer; y: 'q' | 'r' | 'e'; id?: Buffer; whole: Record<string, unknown> };

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
    const message = parseKrpc(datagram);
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
    const message = parseKrpc(buffer);
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
    const r = reply.whole.r as Record<string, unknown>;
    const limit = this.options.limits.maxPeersPerReply;
    if (!Array.isArray(r.values) || r.values.length <= limit) return datagram;
    return bencode.encode({ ...reply.whole, r: { ...r, values: r.values.slice(0, limit) } });
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

/** The KRPC envelope (BEP 5) of a datagram: undefined when it is not bencode, null when it is not a KRPC message. */
function parseKrpc(datagram: Buffer): Krpc | null | undefined {
  let value: unknown;
  try {
    value = bencode.decode(datagram);
  } catch {
    return undefined;
  }
  if (!isDictionary(value) || !Buffer.isBuffer(value.t) || !Buffer.isBuffer(value.y)) return null;
  const y = value.y.toString('latin1');
  if (y !== 'q' && y !== 'r' && y !== 'e') return null;
  if (y === 'q' && (!Buffer.isBuffer(value.q) || !isDictionary(value.a))) return null;
  if (y === 'r' && !isDictionary(value.r)) return null;
  const body = y === 'q' ? value.a : y === 'r' ? value.r : undefined;
  const id = isDictionary(body) && Buffer.isBuffer(body.id) ? body.id : undefined;
  return { t: value.t, y, id, whole: value };
}

function isDictionary(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Buffer.isBuffer(value) && !Array.isArray(value);
}
