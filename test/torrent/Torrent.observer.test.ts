/**
 * TorrentObserver: what a torrent tells whoever runs it (the launcher's
 * BitTorrent peers build their progress, status and metrics on it), over an
 * in-memory transport.
 */
import type { BtPeer } from '../../src/torrent/BtPeer.js';
import type { TorrentObserver } from '../../src/torrent/TorrentObserver.js';
import { withTimeout } from '../support/waiting.js';
import { memorySwarm, TOTAL_LENGTH } from './twoTorrents.js';

/** Every hook's calls, as plain values. */
function recordingObserver() {
  const calls: string[] = [];
  let received = 0;
  let sent = 0;
  const verified: number[] = [];
  const seedsSeen: boolean[] = [];
  const observer: TorrentObserver = {
    peerConnected: (peer: BtPeer, direction) => calls.push(`connected ${peer.address} ${direction}`),
    peerHas: (peer) => seedsSeen.push(peer.isSeed),
    peerGone: (peer, reason) => calls.push(`gone ${peer.address} ${reason.kind}`),
    blockReceived: (_peer, bytes) => (received += bytes),
    blockSent: (_peer, bytes) => (sent += bytes),
    chokeChanged: (peer, way, choking) => calls.push(`${way} ${choking ? 'choke' : 'unchoke'} ${peer.address}`),
    pieceVerified: (index) => verified.push(index),
  };
  return { observer, calls, verified, seedsSeen, totals: () => ({ received, sent }) };
}

/** Waits for the recorded calls to include a connection's end (the two seeds close theirs). */
function untilGone(calls: string[]): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve) => {
      const check = () => (calls.some((c) => c.startsWith('gone')) ? resolve() : setImmediate(check));
      check();
    }),
    'the seed to see the connection end',
  );
}

test('a leecher and a seed tell their observers of the connection, the holdings (redundant haves: the seed sees the leecher complete), every block, the choke and each verified piece', async () => {
  const swarm = memorySwarm();
  const seedSide = recordingObserver();
  const leecherSide = recordingObserver();
  const seed = swarm.add('seed', { complete: true, more: { observer: seedSide.observer } });
  const leecher = swarm.add('leecher', { complete: false, peers: ['seed'], more: { observer: leecherSide.observer, sendRedundantHaves: true } });
  seed.torrent.start();
  leecher.torrent.start();
  await withTimeout(leecher.completed, 'the leecher to complete');

  expect(leecherSide.totals()).toEqual({ received: TOTAL_LENGTH, sent: 0 });
  expect(seedSide.totals()).toEqual({ received: 0, sent: TOTAL_LENGTH });
  expect(leecherSide.verified.sort((a, b) => a - b)).toEqual([...Array(swarm.layout.pieceCount).keys()]);
  expect(seedSide.verified).toEqual([]);
  expect(leecherSide.calls.slice(0, 2)).toEqual(['connected seed:6881 outbound', 'received unchoke seed:6881']);
  expect(seedSide.calls.slice(0, 2)).toEqual(['connected leecher:50000 inbound', 'sent unchoke leecher:50000']);
  // Both complete: the seed-to-seed connection is closed, and both say so.
  await untilGone(seedSide.calls);
  expect(leecherSide.calls.filter((c) => c.startsWith('gone'))).toEqual(['gone seed:6881 refused']);
  // The leecher saw a seed (its have-all); the seed saw the leecher's holdings grow until it was complete too.
  expect(leecherSide.seedsSeen).toEqual([true]);
  expect(seedSide.seedsSeen.at(-1)).toBe(true);
  expect(seedSide.seedsSeen.filter((seen) => seen)).toHaveLength(1);
  expect(leecher.torrent.connectedPeers()).toEqual([]);
  await Promise.all([seed.torrent.stop(), leecher.torrent.stop()]);
});

test('connectedPeers and requestsInFlight show the peers past their handshake and what we asked of them', async () => {
  const swarm = memorySwarm();
  const seed = swarm.add('seed', { complete: true });
  let inFlightSeen = 0;
  const addressesSeen = new Set<string>();
  const leecher = swarm.add('leecher', {
    complete: false,
    peers: ['seed'],
    more: {
      observer: {
        blockReceived: (peer) => {
          inFlightSeen = Math.max(inFlightSeen, leecher.torrent.requestsInFlight(peer));
          for (const connected of leecher.torrent.connectedPeers()) addressesSeen.add(connected.address);
        },
      },
    },
  });
  expect(leecher.torrent.connectedPeers()).toEqual([]);
  seed.torrent.start();
  leecher.torrent.start();
  await withTimeout(leecher.completed, 'the leecher to complete');
  expect(inFlightSeen).toBeGreaterThan(1); // pipelined
  expect([...addressesSeen]).toEqual(['seed:6881']);
  await Promise.all([seed.torrent.stop(), leecher.torrent.stop()]);
});

test('without redundant haves a seed hears of no piece a leecher completes (it holds them all)', async () => {
  const swarm = memorySwarm();
  const seedSide = recordingObserver();
  const seed = swarm.add('seed', { complete: true, more: { observer: seedSide.observer } });
  const leecher = swarm.add('leecher', { complete: false, peers: ['seed'] });
  seed.torrent.start();
  leecher.torrent.start();
  await withTimeout(leecher.completed, 'the leecher to complete');
  await untilGone(seedSide.calls);
  expect(seedSide.seedsSeen).toEqual([false]); // the leecher's first word (have-none), and nothing after
  await Promise.all([seed.torrent.stop(), leecher.torrent.stop()]);
});

test('a connection that ends before its handshake is told as a handshake failure, with its reason', async () => {
  const swarm = memorySwarm();
  const failures: string[] = [];
  const lonely = swarm.add('lonely', {
    complete: false,
    peers: ['lonely'], // a source that reports ourselves: both ends refuse the handshake
    more: { observer: { handshakeFailed: (address, direction, reason) => failures.push(`${direction} ${address} ${reason.kind}`) } },
  });
  lonely.torrent.start();
  await withTimeout(
    new Promise<void>((resolve) => {
      const check = () => (failures.length === 2 ? resolve() : setImmediate(check));
      check();
    }),
    () => `both ends to fail: ${JSON.stringify(failures)}`,
  );
  // We refuse ourselves on the side that dialled; the side that answered sees the connection cut.
  expect(failures.sort()).toEqual([expect.stringMatching(/^inbound lonely:50000 /), 'outbound lonely:6881 refused']);
  await lonely.torrent.stop();
});
