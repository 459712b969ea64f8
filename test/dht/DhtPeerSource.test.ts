import type { Cancel } from '../../src/common/Clock.js';
import type { DhtLookups, DhtPeer } from '../../src/dht/DhtNode.js';
import { DhtPeerSource, dhtPeerSourceFor, type DhtPeerSourceOptions } from '../../src/dht/DhtPeerSource.js';
import type { DiscoveredPeer } from '../../src/swarm/PeerSource.js';
import { ManualClock } from '../support/ManualClock.js';
import { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';

const INFO_HASH = Buffer.alloc(20, 7);
const OUR_PORT = 6881;

/** A DHT node whose lookups and announces end when the test says so. */
class FakeNode implements DhtLookups {
  readonly calls: string[] = [];
  readonly watchers = new Set<(peers: DhtPeer[]) => void>();
  private settle: ((outcome: number | Error) => void) | undefined;

  watch(infoHash: Buffer, onPeers: (peers: DhtPeer[]) => void): Cancel {
    this.calls.push(`watch ${infoHash.toString('hex').slice(0, 4)}`);
    this.watchers.add(onPeers);
    return () => this.watchers.delete(onPeers);
  }
  lookup(): Promise<number | Error> {
    this.calls.push('lookup');
    return new Promise((resolve) => (this.settle = resolve));
  }
  announce(_infoHash: Buffer, port: number): Promise<number | Error> {
    this.calls.push(`announce ${port}`);
    return new Promise((resolve) => (this.settle = resolve));
  }
  forget(infoHash: Buffer): void {
    this.calls.push(`forget ${infoHash.toString('hex').slice(0, 4)}`);
  }
  /** Ends the lookup or announce under way, and lets the source go on. */
  async finish(outcome: number | Error = 3): Promise<void> {
    const settle = this.settle;
    this.settle = undefined;
    settle?.(outcome);
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }
  tell(peers: DhtPeer[]): void {
    for (const onPeers of this.watchers) onPeers(peers);
  }
}

function rig(overrides: Partial<DhtPeerSourceOptions> = {}) {
  const node = new FakeNode();
  const clock = new ManualClock();
  const diagnostics = new RecordingDiagnostics();
  let peerCount = 0;
  const source = new DhtPeerSource({ infoHash: INFO_HASH, peerId: Buffer.alloc(20, 1), port: OUR_PORT, node, clock, diagnostics, peerCount: () => peerCount, roundEveryMs: 60_000, fewPeers: 5, isOwnHost: (host) => host === '127.0.0.1', ...overrides });
  const found: DiscoveredPeer[][] = [];
  return { node, clock, diagnostics, source, found, setPeerCount: (n: number) => (peerCount = n), start: () => source.start((peers) => found.push([...peers])) };
}

describe('DhtPeerSource: the DHT as one torrent\'s peer source (BEP 5)', () => {
  test('looks up at start, announces our port once the lookup ends, and again each round while peers are few', async () => {
    const { node, clock, diagnostics, start } = rig();
    start();
    expect(node.calls).toEqual(['watch 0707', 'lookup']);
    await node.finish(4);
    expect(node.calls).toEqual(['watch 0707', 'lookup', `announce ${OUR_PORT}`]);
    await node.finish(2);
    expect(diagnostics.at('info')).toEqual(['DHT 07070707: lookup reached 4 node(s)', `DHT 07070707: announced port ${OUR_PORT} to 2 node(s)`]);
    clock.advance(59_999);
    expect(node.calls).toHaveLength(3);
    clock.advance(1);
    expect(node.calls.slice(3)).toEqual(['lookup']);
  });

  test('with peers enough, a round only announces', async () => {
    const { node, clock, setPeerCount, start } = rig();
    start();
    await node.finish();
    await node.finish();
    setPeerCount(5);
    clock.advance(60_000);
    expect(node.calls.slice(3)).toEqual([`announce ${OUR_PORT}`]);
  });

  test('a failed lookup is a line in the diagnostics; the announce and the next round still come', async () => {
    const { node, clock, diagnostics, start } = rig();
    start();
    await node.finish(new Error('All queries failed'));
    await node.finish(new Error('No nodes to query'));
    expect(diagnostics.at('info')).toEqual(['DHT 07070707: lookup failed: All queries failed', 'DHT 07070707: announce failed: No nodes to query']);
    clock.advance(60_000);
    expect(node.calls.at(-1)).toBe('lookup');
  });

  test('passes the peers found on, without ourselves, repeats or port 0', async () => {
    const { node, found, start } = rig();
    start();
    node.tell([
      { host: '10.0.0.2', port: 7000 },
      { host: '127.0.0.1', port: OUR_PORT },
      { host: '10.0.0.2', port: 7000 },
      { host: '10.0.0.3', port: 0 },
    ]);
    node.tell([{ host: '127.0.0.1', port: OUR_PORT }]);
    expect(found).toEqual([[{ host: '10.0.0.2', port: 7000, source: 'dht' }]]);
  });

  test('a sink that throws costs that batch and a line in the diagnostics, not the source', () => {
    const { node, diagnostics, source } = rig();
    source.start(() => {
      throw new Error('peer list full');
    });
    node.tell([{ host: '10.0.0.2', port: 7000 }]);
    expect(diagnostics.at('error')).toEqual(['DHT 07070707: the peers found were not taken: peer list full']);
  });

  test('stop drops everything the node keeps for the torrent; nothing runs after it', async () => {
    const { node, clock, found, source, start } = rig();
    start();
    await node.finish();
    await source.stop();
    expect(node.calls).toEqual(['watch 0707', 'lookup', `announce ${OUR_PORT}`, 'forget 0707']);
    expect(node.watchers.size).toBe(0);
    await node.finish(); // the announce under way ends after stop: no next round
    expect(clock.pendingTimers).toBe(0);
    node.tell([{ host: '10.0.0.2', port: 7000 }]);
    expect(found).toEqual([]);
    await expect(source.stop()).resolves.toBeUndefined();
  });
});

describe('dhtPeerSourceFor: whether a torrent gets a DHT source', () => {
  const options = { infoHash: INFO_HASH, peerId: Buffer.alloc(20, 1), port: OUR_PORT, clock: new ManualClock(), diagnostics: new RecordingDiagnostics(), peerCount: () => 0 };

  test('a public torrent with a DHT node gets one', () => {
    expect(dhtPeerSourceFor({ isPrivate: false }, { ...options, node: new FakeNode() })?.kind).toBe('dht');
  });
  test('never a private torrent (BEP 27)', () => {
    expect(dhtPeerSourceFor({ isPrivate: true }, { ...options, node: new FakeNode() })).toBeUndefined();
  });
  test('none without a node (--no-dht)', () => {
    expect(dhtPeerSourceFor({ isPrivate: false }, { ...options, node: undefined })).toBeUndefined();
  });
});
