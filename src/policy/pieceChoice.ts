import type { Bitfield } from '../storage/Bitfield';
import { randomInt, type Random } from '../common/Random';

/**
 * A piece-selection strategy: given what a neighbour has, what we have and which
 * pieces are already requested from someone, name the piece to ask for next.
 * Kept as a plain function type so other strategies (rarest-first) can sit
 * beside the random one and be injected into RequestManager.
 */
export type PieceChooser = (
  theirs: Bitfield,
  ours: Bitfield,
  isRequested: (index: number) => boolean,
  random: Random,
) => number | undefined;

/**
 * Protocol rule "request": ask for a piece chosen at random among those the
 * neighbour has, we lack, and we have not requested from any neighbour.
 *
 * Two passes over the pieces and no allocation: count the eligible pieces,
 * draw one position uniformly (a single draw from `random`, so seeded runs stay
 * reproducible), then walk to it. Linear in the piece count at worst.
 */
export const chooseRandomMissingPiece: PieceChooser = (theirs, ours, isRequested, random) => {
  if (theirs.pieceCount !== ours.pieceCount) {
    throw new RangeError(`bitfields disagree on piece count: ${theirs.pieceCount} vs ${ours.pieceCount}`);
  }
  // Byte-wise fast path: nothing of theirs is new to us, so nothing to ask.
  if (!theirs.hasAnyMissingFrom(ours)) return undefined;

  let eligibleCount = 0;
  for (let index = 0; index < theirs.pieceCount; index++) {
    if (isEligible(index, theirs, ours, isRequested)) eligibleCount++;
  }
  if (eligibleCount === 0) return undefined;

  let remaining = randomInt(random, eligibleCount);
  for (let index = 0; index < theirs.pieceCount; index++) {
    if (!isEligible(index, theirs, ours, isRequested)) continue;
    if (remaining === 0) return index;
    remaining--;
  }
  return undefined; // only reachable if isRequested changed its answers mid-call
};

function isEligible(
  index: number,
  theirs: Bitfield,
  ours: Bitfield,
  isRequested: (index: number) => boolean,
): boolean {
  return theirs.has(index) && !ours.has(index) && !isRequested(index);
}
