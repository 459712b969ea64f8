import { seededRandom, type Random } from '../../src/common/Random.js';
import { DEFAULT_ANNOUNCE_TIMING, nextAnnounceDelayMs, retryDelayMs, type AnnounceTiming } from '../../src/swarm/tracker/announceTiming.js';
import { TrackerTiers, trackerUrls } from '../../src/swarm/tracker/TrackerTiers.js';

const hrefs = (tiers: TrackerTiers) => tiers.inOrder().map(({ url, tier }) => `${tier}:${url.host}`);
const urls = (...hosts: string[]) => hosts.map((host) => new URL(`http://${host}/announce`));

describe('which trackers a torrent announces to (BEP 12)', () => {
  test('the tiers as given, in order; none gives none', () => {
    expect(trackerUrls([['http://b/announce'], ['udp://c:80']]).tiers.map((t) => t.map((u) => u.href))).toEqual([['http://b/announce'], ['udp://c:80']]);
    expect(trackerUrls([]).tiers).toEqual([]);
  });

  test('unsupported protocols and non-URLs are refused with a reason; repeats and empty tiers vanish', () => {
    const { tiers, refused } = trackerUrls([['wss://tracker.example', 'not a url'], ['http://a/announce', 'http://a/announce'], ['http://a/announce']]);
    expect(tiers.map((t) => t.map((u) => u.href))).toEqual([['http://a/announce']]);
    expect(refused).toEqual(['wss://tracker.example: wss: trackers are not supported', 'not a url: not a URL']);
  });
});

describe('the order trackers are tried in (BEP 12)', () => {
  test('tier by tier; each tier shuffled once, by the injected randomness', () => {
    const tiers = [urls('a1', 'a2', 'a3', 'a4'), urls('b1', 'b2')];
    const first = new TrackerTiers(tiers, seededRandom(1));
    expect(hrefs(first)).toEqual(hrefs(new TrackerTiers(tiers, seededRandom(1))));
    expect(hrefs(first).slice(0, 4).sort()).toEqual(['0:a1', '0:a2', '0:a3', '0:a4']);
    expect(hrefs(first).slice(4).sort()).toEqual(['1:b1', '1:b2']);
    // Shuffled once: asking again gives the same order.
    expect(hrefs(first)).toEqual(hrefs(first));
    const orders = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((seed) => hrefs(new TrackerTiers(tiers, seededRandom(seed))).join(' ')));
    expect(orders.size).toBeGreaterThan(1);
  });

  test('a tracker that answers moves to the front of its own tier; the others keep their order and tiers stay put', () => {
    const noShuffle: Random = { next: () => 0.999 };
    const tiers = new TrackerTiers([urls('a1', 'a2', 'a3'), urls('b1', 'b2', 'b3')], noShuffle);
    expect(hrefs(tiers)).toEqual(['0:a1', '0:a2', '0:a3', '1:b1', '1:b2', '1:b3']);
    tiers.promote(new URL('http://b3/announce'));
    tiers.promote(new URL('http://a2/announce'));
    expect(hrefs(tiers)).toEqual(['0:a2', '0:a1', '0:a3', '1:b3', '1:b1', '1:b2']);
  });
});

describe('when to announce again', () => {
  const timing: AnnounceTiming = { ...DEFAULT_ANNOUNCE_TIMING, intervalFloorMs: 60_000, intervalCeilingMs: 7_200_000, defaultIntervalMs: 1_800_000, firstRetryMs: 15_000, maxRetryMs: 120_000 };

  test('the tracker\'s interval, held between the floor and the ceiling', () => {
    expect(nextAnnounceDelayMs({ intervalS: 900 }, timing)).toBe(900_000);
    expect(nextAnnounceDelayMs({ intervalS: 0 }, timing)).toBe(60_000);
    expect(nextAnnounceDelayMs({ intervalS: 4_294_967_295 }, timing)).toBe(7_200_000);
    expect(nextAnnounceDelayMs({ intervalS: 1e23 }, timing)).toBe(7_200_000);
  });

  test('no interval: the default; a min interval above the interval wins', () => {
    expect(nextAnnounceDelayMs({}, timing)).toBe(1_800_000);
    expect(nextAnnounceDelayMs({ intervalS: 120, minIntervalS: 600 }, timing)).toBe(600_000);
    expect(nextAnnounceDelayMs({ intervalS: 600, minIntervalS: 120 }, timing)).toBe(600_000);
  });

  test('after failures: doubling up to the cap, spread ±20 % by the injected randomness', () => {
    const middle: Random = { next: () => 0.5 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, timing, middle))).toEqual([15_000, 30_000, 60_000, 120_000, 120_000]);
    expect(retryDelayMs(1, timing, { next: () => 0 })).toBe(12_000);
    expect(retryDelayMs(1, timing, { next: () => 0.999999 })).toBe(18_000);
  });
});
