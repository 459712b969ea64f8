import { seededRandom } from '../../../src/common/Random.js';
import { Bitfield } from '../../../src/core/Bitfield.js';
import type { BlockRef } from '../../../src/core/BlockRef.js';
import { BLOCK_LENGTH, BlockGeometry } from '../../../src/policy/blocks/BlockGeometry.js';
import { RequestPlanner, type PlannerPeer, type RequestPlannerOptions } from '../../../src/policy/blocks/RequestPlanner.js';
import { ManualClock } from '../../support/ManualClock.js';

export const KiB = 1024;

/** `pieceCount` pieces of `blocksPerPiece` full blocks each. */
export function evenGeometry(pieceCount: number, blocksPerPiece: number): BlockGeometry {
  return new BlockGeometry(pieceCount * blocksPerPiece * BLOCK_LENGTH, blocksPerPiece * BLOCK_LENGTH);
}

export function bits(pieceCount: number, held: readonly number[]): Bitfield {
  const out = new Bitfield(pieceCount);
  for (const index of held) out.set(index);
  return out;
}

export function makePlanner(geometry: BlockGeometry, options: Partial<RequestPlannerOptions> & { seed?: number } = {}): { planner: RequestPlanner; clock: ManualClock } {
  const clock = new ManualClock(0);
  const planner = new RequestPlanner({ geometry, clock, random: seededRandom(options.seed ?? 1), ...options });
  return { planner, clock };
}

/** An unchoking peer with no measured rate (queue depth 2), unless told otherwise. */
export function peer(key: string, has: Bitfield, overrides: Partial<PlannerPeer> = {}): PlannerPeer {
  return { key, has, choking: false, rateBytesPerSecond: 0, ...overrides };
}

/** A peer joins: its bitfield counts in the availability. */
export function join(planner: RequestPlanner, key: string, has: Bitfield, overrides: Partial<PlannerPeer> = {}): PlannerPeer {
  planner.availability.addBitfield(has);
  return peer(key, has, overrides);
}

/** "piece:block" labels, easier to read in a failing table than objects. */
export function labels(geometry: BlockGeometry, blocks: readonly BlockRef[]): string[] {
  return blocks.map((b) => `${b.index}:${b.begin / geometry.blockLength}`);
}
