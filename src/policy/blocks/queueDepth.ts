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
 * which keeps 40 MiB/s flowing over a 100 ms round trip (and far more on
 * loopback), and bounds what a peer that stops answering holds up. Also the
 * `reqq` to assume when a peer states none: BEP 10, "The default in
 * libtorrent is 250".
 */
export const MAX_QUEUE_DEPTH = 250;

/**
 * Requests to keep in flight to a peer sending `rateBytesPerSecond`: enough
 * blocks to last TARGET_QUEUE_MS at that rate, at least MIN_QUEUE_DEPTH, at
 * most MAX_QUEUE_DEPTH and at most the peer's own `reqq` (BEP 10: requests
 * beyond it may be dropped). A snubbed peer gets one: it must prove it sends.
 */
export function queueDepth(rateBytesPerSecond: number, options: { reqq?: number; snubbed?: boolean } = {}): number {
  if (options.snubbed) return 1;
  const bound = Math.max(1, Math.min(MAX_QUEUE_DEPTH, validReqq(options.reqq) ?? MAX_QUEUE_DEPTH));
  const rate = Number.isFinite(rateBytesPerSecond) && rateBytesPerSecond > 0 ? rateBytesPerSecond : 0;
  const wanted = Math.ceil((rate * TARGET_QUEUE_MS) / 1000 / BLOCK_LENGTH);
  return Math.min(bound, Math.max(MIN_QUEUE_DEPTH, wanted));
}

/** A peer's `reqq` is whatever it sent: only a positive whole number counts. */
function validReqq(reqq: number | undefined): number | undefined {
  return reqq !== undefined && Number.isSafeInteger(reqq) && reqq > 0 ? reqq : undefined;
}
