import bencode from 'bencode';
import { systemClock } from '../../src/common/Clock.js';
import { DhtPeerSource } from '../../src/dht/DhtPeerSource.js';
import type { DiscoveredPeer } from '../../src/swarm/PeerSource.js';
import { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';
import { ManualClock } from '../support/ManualClock.js';
import { eventually } from '../support/polling.js';
import { LOOPBACK } from '../support/sockets.js';
import { turnEventLoop } from '../support/waiting.js';
import { RawKrpc, startNode, tableHas, type Krpc, type TestNode } from './dhtHarness.js';

/**
 * Hostile KRPC (BEP 5) from a raw UDP socket on 127.0.0.1: each datagram is
 * dropped before bittorrent-dht sees it (the guard counts why), and the node
 * keeps working: it answers a good ping afterwards, its routing table holds
 * nothing the datagram claimed.
 */
describe('a DHT node given hostile datagrams', () => {
  let target: TestNode;
  let raw: RawKrpc;

  beforeEach(async () => {
    target = await startNode({ bootstrap: [] });
    raw = await RawKrpc.open();
  });
  afterEach(async () => {
    await target.node.stop();
    await raw.close();
  });

  async function stillWorks(): Promise<void> {
    const pong = await raw.ping(target.port, 'ok');
    expect((pong.r as Krpc).id).toHaveLength(20);
    expect(target.node.status().state).toBe('running');
  }

  test.each([
    ['truncated', 'd1:ad2:id20:not bencode at all'],
    // bencode 2, which k-rpc-socket decodes with, loops forever on a negative string length: one datagram would hang the node.
    ['a negative string length', 'l-3:e'],
    ['nested deeper than KRPC ever is', `${'l'.repeat(600)}${'e'.repeat(600)}`],
    ['an integer with a leading zero', 'd1:ti03e1:y1:qe'],
    ['bytes after the value', 'd1:t2:aa1:y1:qeXYZ'],
  ])('a datagram that is not bencode: %s', async (_, text) => {
    raw.send(target.port, Buffer.from(text));
    await eventually(() => target.node.status().dropped.notBencode === 1, 'the datagram to be dropped as not bencode');
    await stillWorks();
  });

  test('bencode that is not a KRPC message (a list; no transaction id; a __proto__ key, which bencode 2 makes the prototype)', async () => {
    raw.send(target.port, bencode.encode([1, 2, 3]));
    raw.send(target.port, bencode.encode({ y: 'q', q: 'ping', a: { id: raw.id } }));
    raw.send(target.port, Buffer.from(`d1:ad9:__proto__d2:idi1ee2:id20:${'x'.repeat(20)}e1:q4:ping1:t2:pp1:y1:qe`));
    await eventually(() => target.node.status().dropped.malformed === 3, 'the datagrams to be dropped as malformed');
    await stillWorks();
    expect(raw.repliesWith('pp')).toBe(0);
  });

  test('a datagram over the size cap', async () => {
    raw.send(target.port, { t: 'big', y: 'q', q: 'ping', a: { id: raw.id, padding: Buffer.alloc(3000) } });
    await eventually(() => target.node.status().dropped.tooLarge === 1, 'the datagram to be dropped as too large');
    await stillWorks();
    expect(raw.repliesWith('big')).toBe(0);
  });

  test('a query whose node id is not 20 bytes: no reply, not in the routing table', async () => {
    const shortId = Buffer.alloc(19, 0x11);
    raw.send(target.port, { t: 'short', y: 'q', q: 'ping', a: { id: shortId } });
    await eventually(() => target.node.status().dropped.badNodeId === 1, 'the query to be dropped for its node id');
    await stillWorks();
    expect(raw.repliesWith('short')).toBe(0);
    expect(target.node.routingTable().some((n) => n.id.length !== 20)).toBe(false);
  });

  test('a reply with a transaction id we never sent does not put its sender in the routing table', async () => {
    // k-rpc adds the sender of any reply to the table; the guard lets only replies to our queries through.
    const spoofedId = Buffer.alloc(20, 0x66);
    raw.send(target.port, { t: 'zz', y: 'r', r: { id: spoofedId } });
    raw.send(target.port, { t: 'zy', y: 'e', e: [201, 'nobody asked'] });
    await eventually(() => target.node.status().dropped.unexpectedReply === 2, 'both replies to be dropped as unexpected');
    await stillWorks();
    expect(tableHas(target.node, { id: spoofedId })).toBe(false);
  });

  test('a flood of queries from one address is rate-limited, and answered again once the rate allows', async () => {
    const clock = new ManualClock();
    const limited = await startNode({ bootstrap: [], clock, limits: { inboundPerAddress: { perSecond: 10, burst: 20 } } });
    try {
      for (let i = 0; i < 200; i++) raw.send(limited.port, { t: `f${i}`, y: 'q', q: 'ping', a: { id: raw.id } });
      await eventually(() => limited.node.status().dropped.rateLimited === 180, 'the flood beyond the burst to be dropped');
      await eventually(() => raw.received.length === 20, 'the burst to be answered');
      clock.advance(1000);
      const pong = await raw.ping(limited.port, 'ok');
      expect((pong.r as Krpc).id).toHaveLength(20);
    } finally {
      await limited.node.stop();
    }
  });
});

describe('a DHT node given a nodes list that names it', () => {
  test('it never queries itself, and its own address stays out of its routing table', async () => {
    const fakeRouter = await RawKrpc.open(0xbb);
    const target = await startNode({ bootstrap: [{ host: LOOPBACK, port: fakeRouter.port }] });
    try {
      // The node bootstraps with find_node to our fake router, which answers with the node's own address.
      const query = await fakeRouter.query('find_node');
      const self = Buffer.concat([Buffer.alloc(20, 0x77), Buffer.from([127, 0, 0, 1]), portBytes(target.port)]);
      fakeRouter.send(target.port, { t: query.t as Buffer, y: 'r', r: { id: fakeRouter.id, nodes: self } });
      await eventually(() => target.node.status().dropped.selfAddressed >= 1, 'the query to ourselves to be held back');
      await turnEventLoop(5);
      expect(tableHas(target.node, { port: target.port })).toBe(false);
      expect(tableHas(target.node, { id: fakeRouter.id })).toBe(true);
      const pong = await fakeRouter.ping(target.port, 'ok');
      expect((pong.r as Krpc).id).toHaveLength(20);
    } finally {
      await target.node.stop();
      await fakeRouter.close();
    }
  });
});

function portBytes(port: number): Buffer {
  const bytes = Buffer.alloc(2);
  bytes.writeUInt16BE(port);
  return bytes;
}

describe('a DHT node given addresses outside its policy', () => {
  test('it neither queries nodes nor hands on peers at private addresses (loopback allowed here, as in every test)', async () => {
    const fakeRouter = await RawKrpc.open(0xcc);
    const target = await startNode({ bootstrap: [{ host: LOOPBACK, port: fakeRouter.port }] });
    const infoHash = Buffer.alloc(20, 0x42);
    const found: DiscoveredPeer[] = [];
    const source = new DhtPeerSource({ infoHash, peerId: Buffer.alloc(20, 1), port: 6881, node: target.node, peerCount: () => 0, clock: systemClock, diagnostics: new RecordingDiagnostics() });
    try {
      const findNode = await fakeRouter.query('find_node');
      const privateNode = Buffer.concat([Buffer.alloc(20, 0x99), Buffer.from([10, 0, 0, 7]), portBytes(6881)]);
      fakeRouter.send(target.port, { t: findNode.t as Buffer, y: 'r', r: { id: fakeRouter.id, nodes: privateNode } });
      await eventually(() => target.node.status().dropped.refusedAddress >= 1, 'the query to 10.0.0.7 to be held back');
      source.start((peers) => found.push(...peers));
      const getPeers = await fakeRouter.query('get_peers');
      const values = [Buffer.from([10, 0, 0, 5, 0x1b, 0x58]), Buffer.from([127, 0, 0, 9, 0x1b, 0x59])];
      fakeRouter.send(target.port, { t: getPeers.t as Buffer, y: 'r', r: { id: fakeRouter.id, token: Buffer.from('tk'), values } });
      await eventually(() => found.length > 0, 'the allowed peer to be handed on');
      await turnEventLoop(5);
      expect(found).toEqual([{ host: '127.0.0.9', port: 7001, source: 'dht' }]);
    } finally {
      await source.stop();
      await target.node.stop();
      await fakeRouter.close();
    }
  });
});
