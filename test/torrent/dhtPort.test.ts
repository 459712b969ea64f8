/**
 * BEP 5 on the peer wire: a torrent whose session runs a DHT node sets the
 * handshake's DHT bit and sends its node's UDP port (the `port` message) to a
 * peer that set the bit too; the port it hears goes to the session's node.
 * Without a DHT node, neither the bit nor the message.
 */
import { withTimeout } from '../support/waiting.js';
import { memorySwarm } from './twoTorrents.js';

function dhtNodesHeard() {
  const heard: string[] = [];
  return { heard, onDhtNode: (host: string, port: number) => heard.push(`${host}:${port}`) };
}

describe('Torrent: the DHT port (BEP 5)', () => {
  test('both with a DHT node: each hears the other\'s node port, with the host the connection comes from', async () => {
    const swarm = memorySwarm();
    const seedSide = dhtNodesHeard();
    const leecherSide = dhtNodesHeard();
    const seed = swarm.add('seed', { complete: true, more: { dhtPort: 7001, onDhtNode: seedSide.onDhtNode } });
    const leecher = swarm.add('leecher', { complete: false, peers: ['seed'], more: { dhtPort: 7002, onDhtNode: leecherSide.onDhtNode } });
    seed.torrent.start();
    leecher.torrent.start();
    await withTimeout(leecher.completed, 'the leecher to complete');
    expect(leecherSide.heard).toEqual(['seed:7001']);
    expect(seedSide.heard).toEqual(['leecher:7002']);
    await Promise.all([seed.torrent.stop(), leecher.torrent.stop()]);
  });

  test('only one side with a DHT node: no port message either way (the bit is not set on both)', async () => {
    const swarm = memorySwarm();
    const leecherSide = dhtNodesHeard();
    const seed = swarm.add('seed', { complete: true });
    const leecher = swarm.add('leecher', { complete: false, peers: ['seed'], more: { dhtPort: 7002, onDhtNode: leecherSide.onDhtNode } });
    seed.torrent.start();
    leecher.torrent.start();
    await withTimeout(leecher.completed, 'the leecher to complete');
    expect(leecherSide.heard).toEqual([]);
    expect([...seed.diagnostics.entries, ...leecher.diagnostics.entries].some((e) => /: port /.test(e.message))).toBe(false);
    await Promise.all([seed.torrent.stop(), leecher.torrent.stop()]);
  });
});
