import { shuffled, type Random } from '../common/Random.js';

/** What the preferred-neighbour choice needs to know about a candidate. */
export interface RatedPeer {
  readonly peerId: number;
  /** Bytes it sent us during the last unchoking interval. */
  readonly bytesReceived: number;
}

/**
 * Protocol rule "preferred neighbours": take the `count` candidates that sent
 * us data at the highest rate, ties broken at random; a peer holding the
 * complete file has nothing to download, so rates mean nothing and it picks
 * `count` candidates at random.
 *
 * Ties at random: shuffle with the injected Random first, then a stable sort by
 * bytes descending, so equal rates keep their shuffled order. The candidates
 * are put in peer-id order before shuffling so that, for one seed, the result
 * depends only on the candidates and not on the order the caller listed them.
 * Returns peer ids in rank order (best first).
 */
export function choosePreferred(
  candidates: readonly RatedPeer[],
  count: number,
  haveCompleteFile: boolean,
  random: Random,
): number[] {
  if (count <= 0 || candidates.length === 0) return [];
  const canonical = candidates.slice().sort((a, b) => a.peerId - b.peerId);
  const ranked = shuffled(canonical, random);
  if (!haveCompleteFile) ranked.sort((a, b) => b.bytesReceived - a.bytesReceived);
  return ranked.slice(0, count).map((peer) => peer.peerId);
}
