import type { Random } from '../../common/Random.js';
import type { AnnounceReply } from './announce.js';

export interface AnnounceTiming {
  /** A tracker's interval is held within [floor, ceiling]: `interval 0` must not make us hammer it, nor `interval 10^9` silence us for years. */
  intervalFloorMs: number;
  intervalCeilingMs: number;
  /** When a reply gives no interval (bittorrent-tracker's client uses the same). */
  defaultIntervalMs: number;
  /** One announce to one tracker, connection to last byte. */
  requestTimeoutMs: number;
  /** The `stopped` announce at shutdown: best effort, it must not hold the exit up. */
  stopTimeoutMs: number;
  /** After every tracker failed: the first wait before trying again, doubling each time up to maxRetryMs. */
  firstRetryMs: number;
  maxRetryMs: number;
}

export const DEFAULT_ANNOUNCE_TIMING: AnnounceTiming = {
  intervalFloorMs: 60_000,
  intervalCeilingMs: 2 * 60 * 60_000,
  defaultIntervalMs: 30 * 60_000,
  requestTimeoutMs: 15_000,
  stopTimeoutMs: 5_000,
  firstRetryMs: 15_000,
  maxRetryMs: 30 * 60_000,
};

/**
 * The wait before the next regular announce: the tracker's `interval`, never
 * less than its `min interval` (the de facto rule: no regular re-announce
 * before it; events are not held back by it), within the floor and ceiling.
 */
export function nextAnnounceDelayMs(reply: Pick<AnnounceReply, 'intervalS' | 'minIntervalS'>, timing: AnnounceTiming): number {
  const askedMs = Math.max(reply.intervalS === undefined ? timing.defaultIntervalMs : reply.intervalS * 1000, (reply.minIntervalS ?? 0) * 1000);
  return Math.min(Math.max(askedMs, timing.intervalFloorMs), timing.intervalCeilingMs);
}

/**
 * The wait after `failuresInARow` walks in which no tracker answered:
 * doubling from firstRetryMs up to maxRetryMs, spread by ±20 % so that
 * torrents (and peers) that failed together do not retry together.
 */
export function retryDelayMs(failuresInARow: number, timing: AnnounceTiming, random: Random): number {
  const base = Math.min(timing.firstRetryMs * 2 ** Math.max(0, failuresInARow - 1), timing.maxRetryMs);
  return Math.round(base * (0.8 + 0.4 * random.next()));
}
