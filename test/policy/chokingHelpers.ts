import type { ChokeCandidate, ChokeSnapshot } from '../../src/policy/ChokingManager.js';

/** [peerId, interested, bytesReceived] */
export type Row = readonly [number, boolean, number];

export function snap(rows: readonly Row[], haveCompleteFile = false): ChokeSnapshot {
  const neighbours: ChokeCandidate[] = rows.map(([peerId, interested, bytesReceived]) => ({
    peerId,
    interested,
    bytesReceived,
  }));
  return { neighbours, haveCompleteFile };
}

export function sorted(ids: Iterable<number>): number[] {
  return [...ids].sort((a, b) => a - b);
}
