import { RateLimits } from '../../src/node/RateLimits.js';
import { TorrentRateLimits } from '../../src/daemon/TorrentRateLimits.js';
import { ManualClock } from '../support/ManualClock.js';

/** Each bucket allows a burst of a tenth of a second's worth; past it, the wait is the debt over the rate. */
describe('per peer, per torrent and global limits, in one wait', () => {
  test('the tightest of the three sets the wait: here the torrent\'s', () => {
    const clock = new ManualClock(0);
    const daemon = new RateLimits(clock, { downloadBytesPerSecond: 1_000_000, neighbourDownloadBytesPerSecond: 500_000 });
    const torrent = new TorrentRateLimits(daemon, clock, { downloadRate: 100_000, uploadRate: null });
    const peer = torrent.forNeighbour();
    // 100 kB at 100 kB/s: 1 s; the peer's 500 kB/s alone would say 0.2 s, the global 0.1 s.
    expect(peer.download(100_000)).toBe(1000);
    expect(peer.upload(1_000_000)).toBe(0);
  });

  test('the peer\'s, when it is the tightest; a second peer of the torrent has buckets of its own but shares the torrent\'s', () => {
    const clock = new ManualClock(0);
    const daemon = new RateLimits(clock, { neighbourUploadBytesPerSecond: 10_000 });
    const torrent = new TorrentRateLimits(daemon, clock, { downloadRate: null, uploadRate: 50_000 });
    const first = torrent.forNeighbour();
    const second = torrent.forNeighbour();
    expect(first.upload(10_000)).toBe(1000); // its own 10 kB/s
    expect(second.upload(10_000)).toBe(1000); // its own bucket, not the first one's
    expect(second.upload(40_000)).toBe(5000); // now the torrent's 50 kB/s: 60 kB taken from it in all
  });

  test('global limits bind every torrent together; changes apply to running connections', () => {
    const clock = new ManualClock(0);
    const daemon = new RateLimits(clock, { uploadBytesPerSecond: 20_000 });
    const a = new TorrentRateLimits(daemon, clock, { downloadRate: null, uploadRate: null }).forNeighbour();
    const b = new TorrentRateLimits(daemon, clock, { downloadRate: null, uploadRate: null }).forNeighbour();
    expect(a.upload(20_000)).toBe(1000);
    expect(b.upload(20_000)).toBe(2000);
    const torrent = new TorrentRateLimits(daemon, clock, { downloadRate: null, uploadRate: null });
    const c = torrent.forNeighbour();
    torrent.update({ downloadRate: 1000, uploadRate: null });
    expect(c.download(2000)).toBe(2000);
    expect(torrent.current).toEqual({ downloadRate: 1000, uploadRate: null });
  });
});
