/**
 * What a launcher's BitTorrent peer exchanged: exact bytes in total and per
 * listed neighbour, pieces per neighbour as pieces' worth of bytes (a piece's
 * blocks may come from several peers), rates over the last two seconds.
 */
import { BtPeerStats } from '../../../src/cli/btPeer/BtPeerStats.js';
import { ManualClock } from '../../support/ManualClock.js';

test('totals, pieces per neighbour in pieces worth of bytes, a peer not listed in the totals only, rates', () => {
  const clock = new ManualClock(10_000);
  const stats = new BtPeerStats(clock, 65_536);
  for (let i = 0; i < 10; i++) stats.record(6001, 16_384, 0); // 2.5 pieces' worth
  stats.record(6002, 16_384, 32_768);
  stats.record(undefined, 1_000, 2_000); // a peer not in PeerInfo.cfg
  expect([stats.bytesDownloaded, stats.bytesUploaded]).toEqual([10 * 16_384 + 16_384 + 1_000, 32_768 + 2_000]);
  expect(Object.fromEntries(stats.perNeighbour())).toEqual({
    6001: { bytesDownloaded: 163_840, piecesDownloaded: 3, bytesUploaded: 0, piecesUploaded: 0 },
    6002: { bytesDownloaded: 16_384, piecesDownloaded: 0, bytesUploaded: 32_768, piecesUploaded: 1 },
  });
  expect(stats.totalsWith(6002)).toEqual({ bytesDownloaded: 16_384, bytesUploaded: 32_768 });
  expect(stats.totalsWith(4242)).toEqual({ bytesDownloaded: 0, bytesUploaded: 0 });
  expect(stats.downloadRate(6001)).toBe(163_840 / 2);
  expect(stats.uploadRate()).toBe((32_768 + 2_000) / 2);
  clock.advance(3_000);
  expect([stats.downloadRate(), stats.downloadRate(6001), stats.uploadRate(4242)]).toEqual([0, 0, 0]);
});
