import { BLOCK_LENGTH } from './BlockGeometry.js';

/**
 * How long the requests queued at a peer should take it to serve: libtorrent's
 * `request_queue_time` default (3 s). Long enough that the pipe never runs dry
 * between our refills and across a round trip, short enough that a peer that
 * slows down holds few blocks others could serve.
 */
export const TARGET_QUEUE_MS = 3000;

/** Fewer than two in flight and the peer idles for a round trip after every block. */
export const MIN_QUEUE_DEPTH = 2;

/**
 * The most requests in flight per peer whatever its rate: 250 blocks = 4 MiB,
 * which keeps 40 MiB/s flowing over a 100 ms round trip, and bounds what a
 * peer that stops answering holds up. Also the `reqq` to assume when a peer
 * states none: BEP 10, "The default in libtorrent is 250".
 */
export const MAX_QUEUE_DEPTH = 250;

/**
 * Blocks asked beyond what the round trip holds (rate × round trip) of a near
 * peer: the downloader tops a queue up once up to REQUEST_BATCH (16) slots
 * are free, so the pipe holds one batch more than the round trip needs.
 */
export const QUEUE_HEADROOM_BLOCKS = 16;

/**
 * A peer whose quickest answer came within this is near (the same host, a
 * LAN): its round trip holds few blocks, and the headroom alone lets the rate
 * grow by 128 MiB/s or more at each measurement. Farther, the rate measured
 * over two seconds lags too far behind a growing rate for its round trip to
 * bound the queue (100 MiB over a 50 ms round trip took 12.6 s so, 3.0 s
 * without), and the queue lasts TARGET_QUEUE_MS as libtorrent's does.
 */
export const NEAR_PEER_MS = 2;

export interface QueueDepthOptions {
  /** The peer's `reqq` (BEP 10), if it sent one. */
  reqq?: number;
  snubbed?: boolean;
  /** The quickest answer to a request measured so far (PeerRequests.roundTripMs), if any. */
  roundTripMs?: number;
}

/**
 * Requests to keep in flight to a peer sending `rateBytesPerSecond`: enough
 * blocks to last TARGET_QUEUE_MS at that rate, at least MIN_QUEUE_DEPTH, at
 * most MAX_QUEUE_DEPTH and at most the peer's own `reqq` (BEP 10: requests
 * beyond it may be dropped). A snubbed peer gets one: it must prove it sends.
 *
 * A near peer (NEAR_PEER_MS) gets no more than its round trip holds at that
 * rate plus QUEUE_HEADROOM_BLOCKS: a deeper queue makes no block come sooner,
 * and it costs the peer. On loopback, 250 requests queued at an aria2 seeder
 * made it spend 3.4 s of CPU per GiB served instead of 1.3 with about 30,
 * and send 1.3x slower (libtorrent: 1.1x).
 */
export function queueDepth(rateBytesPerSecond: number, options: QueueDepthOptions = {}): number {
  if (options.snubbed) return 1;
  const bound = Math.max(1, Math.min(MAX_QUEUE_DEPTH, validReqq(options.reqq) ?? MAX_QUEUE_DEPTH));
  const rate = Number.isFinite(rateBytesPerSecond) && rateBytesPerSecond > 0 ? rateBytesPerSecond : 0;
  let wanted = blocksLasting(rate, TARGET_QUEUE_MS);
  const { roundTripMs } = options;
  if (roundTripMs !== undefined && roundTripMs <= NEAR_PEER_MS) wanted = Math.min(wanted, blocksLasting(rate, roundTripMs) + QUEUE_HEADROOM_BLOCKS);
  return Math.min(bound, Math.max(MIN_QUEUE_DEPTH, wanted));
}

/** Whole blocks that `rate` delivers in `ms`, rounded up. */
function blocksLasting(rate: number, ms: number): number {
  return Math.ceil((rate * ms) / 1000 / BLOCK_LENGTH);
}

/** A peer's `reqq` is whatever it sent: only a positive whole number counts. */
function validReqq(reqq: number | undefined): number | undefined {
  return reqq !== undefined && Number.isSafeInteger(reqq) && reqq > 0 ? reqq : undefined;
}
