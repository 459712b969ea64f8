import bencode from 'bencode';
import * as dgram from 'dgram';
import { systemClock, type Clock } from '../../src/common/Clock.js';
import { isPublicOrLoopback } from '../../src/dht/addressPolicy.js';
import { DhtNode, SHARED_ADDRESS_LIMITS, type DhtNodeLimits, type DhtNodeOptions } from '../../src/dht/DhtNode.js';
import { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';
import { LOOPBACK } from '../support/sockets.js';
import { eventually } from '../support/polling.js';

/** Limits for a DHT whose nodes all share 127.0.0.1: the per-address rate must not throttle them against each other. */
export const LOOPBACK_LIMITS: Partial<DhtNodeLimits> = {
  ...SHARED_ADDRESS_LIMITS,
  outboundQueries: { perSecond: 100_000, burst: 100_000 },
  queryTimeoutMs: 400,
};

export interface TestNode {
  node: DhtNode;
  port: number;
  diagnostics: RecordingDiagnostics;
}

/** A DHT node on 127.0.0.1 (never a public router: the bootstrap list is always given). */
export async function startNode(options: Partial<DhtNodeOptions> & { bootstrap: DhtNodeOptions['bootstrap']; clock?: Clock }): Promise<TestNode> {
  const diagnostics = new RecordingDiagnostics();
  const node = new DhtNode({
    port: 0,
    bindAddress: LOOPBACK,
    accepts: isPublicOrLoopback,
    diagnostics,
    ...options,
    clock: options.clock ?? systemClock,
    limits: { ...LOOPBACK_LIMITS, ...options.limits },
  });
  const started = await node.start();
  if (!started.listening) throw new Error(`DHT node did not start: ${started.reason}`);
  return { node, port: started.port, diagnostics };
}

/** `count` nodes: the first has no bootstrap list, the others bootstrap from it; resolves once each knows another node. */
export async function startNetwork(count: number): Promise<TestNode[]> {
  const first = await startNode({ bootstrap: [] });
  const rest = await Promise.all(Array.from({ length: count - 1 }, () => startNode({ bootstrap: [{ host: LOOPBACK, port: first.port }] })));
  const all = [first, ...rest];
  await eventually(() => all.every((n) => n.node.status().routingTableNodes >= 2), 'every node to know two others');
  return all;
}

export async function stopAll(nodes: readonly TestNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => n.node.stop()));
}

export type Krpc = Record<string, unknown>;

/** A UDP socket on 127.0.0.1 that speaks raw KRPC to a node under test and keeps what comes back. */
export class RawKrpc {
  readonly received: { message: Krpc | undefined; bytes: Buffer; port: number }[] = [];
  readonly id: Buffer;

  private constructor(
    readonly socket: dgram.Socket,
    readonly port: number,
    idByte: number,
  ) {
    this.id = Buffer.alloc(20, idByte);
    socket.on('message', (bytes, from) => {
      let message: Krpc | undefined;
      try {
        message = bencode.decode(bytes) as Krpc;
      } catch {
        message = undefined;
      }
      this.received.push({ message, bytes, port: from.port });
    });
  }

  static async open(idByte = 0xaa): Promise<RawKrpc> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
    return new RawKrpc(socket, socket.address().port, idByte);
  }

  send(port: number, message: Krpc | Buffer): void {
    this.socket.send(Buffer.isBuffer(message) ? message : bencode.encode(message), port, LOOPBACK);
  }

  /** Sends a ping with transaction id `t` and waits for its reply. */
  async ping(port: number, t: string): Promise<Krpc> {
    this.send(port, { t, y: 'q', q: 'ping', a: { id: this.id } });
    return this.reply(t);
  }

  /** The reply (or error) with transaction id `t`, once it came. */
  reply(t: string): Promise<Krpc> {
    return eventually(() => this.received.find((r) => r.message && Buffer.isBuffer(r.message.t) && r.message.t.toString() === t)?.message, `a KRPC reply with t=${t}`);
  }

  /** The first query of this kind (find_node, get_peers, ...) the socket received. */
  query(kind: string): Promise<Krpc> {
    return eventually(() => this.received.find((r) => Buffer.isBuffer(r.message?.q) && r.message.q.toString() === kind)?.message, `a ${kind} query`);
  }

  repliesWith(t: string): number {
    return this.received.filter((r) => r.message && Buffer.isBuffer(r.message.t) && r.message.t.toString() === t).length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** True when the node's routing table holds a node with this id, or any node at this port. */
export function tableHas(node: DhtNode, match: { id?: Buffer; port?: number }): boolean {
  return node.routingTable().some((n) => (match.id !== undefined && n.id.equals(match.id)) || (match.port !== undefined && n.port === match.port));
}

/** A token for announce_peer: a get_peers first (BEP 5). */
export async function tokenFrom(raw: RawKrpc, port: number): Promise<Buffer> {
  raw.send(port, { t: 'token', y: 'q', q: 'get_peers', a: { id: raw.id, info_hash: Buffer.alloc(20, 0xee) } });
  return ((await raw.reply('token')).r as Krpc).token as Buffer;
}

/**
 * announce_peer for each entry, in rounds of 100 acknowledged before the next
 * (a burst of a few hundred overflows a UDP receive buffer on loopback).
 */
export async function announceInRounds(raw: RawKrpc, port: number, announces: readonly { infoHash: Buffer; port: number }[]): Promise<void> {
  const token = await tokenFrom(raw, port);
  const before = raw.received.length;
  for (let start = 0; start < announces.length; start += 100) {
    const round = announces.slice(start, start + 100);
    round.forEach((a, i) => raw.send(port, { t: `a${start + i}`, y: 'q', q: 'announce_peer', a: { id: raw.id, info_hash: a.infoHash, port: a.port, token } }));
    await eventually(() => raw.received.length === before + start + round.length, 'a round of announces to be acknowledged');
  }
}
