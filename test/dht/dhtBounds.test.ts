import * as fs from 'fs';
import * as path from 'path';
import { ManualClock } from '../support/ManualClock.js';
import { eventually } from '../support/polling.js';
import { LOOPBACK } from '../support/sockets.js';
import { turnEventLoop } from '../support/waiting.js';
import type { DhtNodeLimits } from '../../src/dht/DhtNode.js';
import { announceInRounds, RawKrpc, startNode, type Krpc, type TestNode } from './dhtHarness.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';

describe('a DHT node keeps its bounds', () => {
  let dir: string;
  const sockets: RawKrpc[] = [];
  const nodes: TestNode[] = [];

  beforeEach(() => {
    dir = makeTempDir('dht-');
  });
  afterEach(async () => {
    await Promise.all(nodes.splice(0).map((n) => n.node.stop()));
    await Promise.all(sockets.splice(0).map((s) => s.close()));
    removeTempDir(dir);
  });

  test('queries go out at the set rate: a burst, then so many a second, the rest queued', async () => {
    // 20 silent nodes in the saved table: the start-up lookup wants to query 16 of them at once (k-rpc's concurrency).
    for (let i = 0; i < 20; i++) sockets.push(await RawKrpc.open());
    const file = path.join(dir, 'table.json');
    const nodes = sockets.map((s, i) => ({ id: Buffer.alloc(20, i + 1).toString('hex'), host: LOOPBACK, port: s.port }));
    fs.writeFileSync(file, JSON.stringify({ format: 1, nodes }));
    const clock = new ManualClock();
    const target = await startNode({ bootstrap: [], routingTableFile: file, clock, limits: { outboundQueries: { perSecond: 10, burst: 5 }, queryTimeoutMs: 20_000 } });
    const sent = () => sockets.reduce((sum, s) => sum + s.received.length, 0);
    try {
      await eventually(() => target.node.status().queuedQueries === 11, 'the queries beyond the burst to be queued');
      await turnEventLoop(5);
      expect(sent()).toBe(5);
      clock.advance(1000);
      await eventually(() => sent() === 15, 'ten more queries after a second');
      expect(target.node.status().queuedQueries).toBe(1);
    } finally {
      await target.node.stop();
    }
  });

  test('peers announced to it are capped in number', async () => {
    const { target } = await announcedTo({ maxAnnouncedPeers: 20 }, 200, (i) => Buffer.alloc(20, i));
    // record-cache keeps at most twice maxPeers (its fresh and its stale generation).
    expect(target.node.status().announcedPeers).toBeLessThanOrEqual(41);
    expect(target.node.status().announcedPeers).toBeGreaterThan(0);
  });

  test('peers announced to it are forgotten after their maximum age', async () => {
    // record-cache ages on its own real-time timer (every 2/3 of the age): no clock to inject.
    const { target } = await announcedTo({ announcedPeerMaxAgeMs: 1_000 }, 5, (i) => Buffer.alloc(20, i));
    await eventually(() => target.node.status().announcedPeers === 5, 'the announced peers to be kept');
    await eventually(() => target.node.status().announcedPeers === 0, 'the announced peers to expire', 3_000);
  });

  test('a get_peers reply of ours carries at most maxPeersPerReply of the peers it holds, in one small datagram', async () => {
    const infoHash = Buffer.alloc(20, 9);
    const { target, raw } = await announcedTo({ maxPeersPerReply: 50 }, 300, () => infoHash);
    raw.send(target.port, { t: 'all', y: 'q', q: 'get_peers', a: { id: raw.id, info_hash: infoHash } });
    const reply = await raw.reply('all');
    expect(((reply.r as Krpc).values as Buffer[]).length).toBe(50);
    expect(raw.received.at(-1)!.bytes.length).toBeLessThan(600);
  });

  /** A node with these limits, and `count` peers announced to it from a raw socket (peer i on port 10000 + i). */
  async function announcedTo(limits: Partial<DhtNodeLimits>, count: number, infoHashOf: (i: number) => Buffer): Promise<{ target: TestNode; raw: RawKrpc }> {
    const target = await startNode({ bootstrap: [], limits });
    nodes.push(target);
    const raw = await RawKrpc.open();
    sockets.push(raw);
    await announceInRounds(raw, target.port, Array.from({ length: count }, (_, i) => ({ infoHash: infoHashOf(i), port: 10_000 + i })));
    return { target, raw };
  }
});
