/**
 * Rate limits on BitTorrent connections (the launcher's BitTorrent peers take
 * Common.cfg's rate keys as course peers do): a seed's upload limit and a
 * leecher's download limit each stretch a transfer to about size / rate, on a
 * manual clock over an in-memory transport.
 */
import { RateLimits, type RateLimitSettings } from '../../src/node/RateLimits.js';
import { turnEventLoop } from '../support/waiting.js';
import { memorySwarm, TOTAL_LENGTH } from './twoTorrents.js';

const RATE = 100_000; // bytes per second
const STEP_MS = 50;

/** Moves the clock in small steps until the leecher is complete; returns the clock time it took. */
async function timeToComplete(seedLimits: RateLimitSettings, leecherLimits: RateLimitSettings): Promise<number> {
  const swarm = memorySwarm();
  const start = swarm.clock.now();
  const seed = swarm.add('seed', { complete: true, more: { limits: new RateLimits(swarm.clock, seedLimits) } });
  const leecher = swarm.add('leecher', { complete: false, peers: ['seed'], more: { limits: new RateLimits(swarm.clock, leecherLimits) } });
  let done = false;
  void leecher.completed.then(() => (done = true));
  seed.torrent.start();
  leecher.torrent.start();
  for (let steps = 0; !done; steps++) {
    if (steps > 2_000) throw new Error(`not complete after ${steps * STEP_MS} ms of clock time: ${JSON.stringify(leecher.torrent.status())}`);
    await turnEventLoop(3);
    if (!done) swarm.clock.advance(STEP_MS);
  }
  const tookMs = swarm.clock.now() - start;
  expect(leecher.data.bytes.equals(swarm.content)).toBe(true);
  await Promise.all([seed.torrent.stop(), leecher.torrent.stop()]);
  return tookMs;
}

/** The least a limited transfer can take: everything but the bucket's burst (a tenth of a second's worth) at the rate. */
const LEAST_MS = ((TOTAL_LENGTH - RATE / 10) / RATE) * 1000;

describe('Torrent rate limits (RateLimits shared with the course peer)', () => {
  test('without limits the transfer needs no clock time at all', async () => {
    expect(await timeToComplete({}, {})).toBe(0);
  });

  test("a seed's upload limit: the leecher completes after about size / rate", async () => {
    const tookMs = await timeToComplete({ uploadBytesPerSecond: RATE }, {});
    expect(tookMs).toBeGreaterThanOrEqual(LEAST_MS);
    expect(tookMs).toBeLessThan(LEAST_MS * 1.3);
  });

  test("a seed's per-neighbour upload limit does the same", async () => {
    const tookMs = await timeToComplete({ neighbourUploadBytesPerSecond: RATE }, {});
    expect(tookMs).toBeGreaterThanOrEqual(LEAST_MS);
    expect(tookMs).toBeLessThan(LEAST_MS * 1.3);
  });

  test("a leecher's download limit: it stops reading, so the transfer takes about size / rate", async () => {
    const tookMs = await timeToComplete({}, { downloadBytesPerSecond: RATE });
    expect(tookMs).toBeGreaterThanOrEqual(LEAST_MS);
    expect(tookMs).toBeLessThan(LEAST_MS * 1.3);
  });
});
