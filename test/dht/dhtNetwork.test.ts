import * as fs from 'fs';
import * as path from 'path';
import { systemClock } from '../../src/common/Clock.js';
import { DhtPeerSource } from '../../src/dht/DhtPeerSource.js';
import type { DhtNode } from '../../src/dht/DhtNode.js';
import type { DiscoveredPeer } from '../../src/swarm/PeerSource.js';
import { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';
import { eventually } from '../support/polling.js';
import { LOOPBACK } from '../support/sockets.js';
import { startNetwork, startNode, stopAll, type TestNode } from './dhtHarness.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';

const INFO_HASH = Buffer.alloc(20, 0x5a);

describe('a DHT of our nodes on 127.0.0.1 (BEP 5)', () => {
  let network: TestNode[] = [];
  let dir: string;
  /** Sources and nodes a test started: stopped after it even when it fails (a live UDP socket would keep jest from exiting). */
  const started: { stop(): Promise<void> }[] = [];

  function source(node: DhtNode, port: number, diagnostics = new RecordingDiagnostics()): DhtPeerSource {
    const made = new DhtPeerSource({ infoHash: INFO_HASH, peerId: Buffer.alloc(20, port % 256), port, node, peerCount: () => 0, clock: systemClock, diagnostics });
    started.push(made);
    return made;
  }

  async function extraNode(options: Parameters<typeof startNode>[0]): Promise<TestNode> {
    const made = await startNode(options);
    started.push(made.node);
    return made;
  }

  beforeAll(async () => {
    network = await startNetwork(6);
  });
  afterAll(async () => {
    await stopAll(network);
  });
  beforeEach(() => {
    dir = makeTempDir('dht-');
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.stop()));
    removeTempDir(dir);
  });

  test('a peer announced through one node is found through another', async () => {
    const announcer = new RecordingDiagnostics();
    const seeder = source(network[1].node, 7001, announcer);
    seeder.start(() => {});
    await announcer.waitFor('announced port 7001');
    const found: DiscoveredPeer[] = [];
    const leecher = source(network[4].node, 7002);
    leecher.start((peers) => found.push(...peers));
    await eventually(() => found.some((p) => p.port === 7001), 'the leecher to find the seeder');
    expect(found.find((p) => p.port === 7001)).toEqual({ host: LOOPBACK, port: 7001, source: 'dht' });
    expect(network[4].node.holds(INFO_HASH)).toBe(true);
    await Promise.all([seeder.stop(), leecher.stop()]);
    expect(network[1].node.holds(INFO_HASH)).toBe(false);
    expect(network[4].node.holds(INFO_HASH)).toBe(false);
  });

  test('the routing table is saved at stop and, loaded at the next start, finds peers without the bootstrap node', async () => {
    const announcer = new RecordingDiagnostics();
    const seeder = source(network[2].node, 7003, announcer);
    seeder.start(() => {});
    await announcer.waitFor('announced port 7003');

    const file = path.join(dir, 'dht-table.json');
    const first = await extraNode({ bootstrap: [{ host: LOOPBACK, port: network[0].port }], routingTableFile: file });
    await eventually(() => first.node.status().routingTableNodes >= 3, 'the new node to learn the network');
    await first.node.stop();
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodeId: string; nodes: { port: number }[] };
    expect(saved.nodes.length).toBeGreaterThanOrEqual(3);
    expect(fs.readdirSync(dir)).toEqual(['dht-table.json']); // no temp file left behind

    // The bootstrap node is gone; the restarted node has only the saved table.
    await network[0].node.stop();
    const again = await extraNode({ bootstrap: [{ host: LOOPBACK, port: network[0].port }], routingTableFile: file });
    expect(again.diagnostics.at('info').join('\n')).toMatch(/[3-9] node\(s\) from the saved routing table/);
    expect(again.node.status().nodeId).toBe(saved.nodeId);
    const found: DiscoveredPeer[] = [];
    const leecher = source(again.node, 7004);
    leecher.start((peers) => found.push(...peers));
    await eventually(() => found.some((p) => p.port === 7003), 'the restarted node to find the seeder');

  });
});
