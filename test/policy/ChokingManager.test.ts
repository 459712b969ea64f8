import { seededRandom } from '../../src/common/Random.js';
import { ChokingManager } from '../../src/policy/ChokingManager.js';
import { snap, sorted, type Row } from './chokingHelpers.js';

function manager(preferredCount: number, seed = 1): ChokingManager {
  return new ChokingManager({ preferredCount, random: seededRandom(seed) });
}

describe('ChokingManager.rechoke: preferred by rate', () => {
  const cases: { name: string; k: number; rows: Row[]; expected: number[] }[] = [
    { name: 'top 2 of 4', k: 2, rows: [[1, true, 10], [2, true, 40], [3, true, 30], [4, true, 20]], expected: [2, 3] },
    { name: 'top 1', k: 1, rows: [[1, true, 5], [2, true, 6], [3, true, 4]], expected: [2] },
    { name: 'fewer interested than k', k: 3, rows: [[1, true, 1], [2, false, 99]], expected: [1] },
    { name: 'uninterested high-rate skipped', k: 2, rows: [[1, false, 1000], [2, true, 1], [3, true, 2], [4, false, 500]], expected: [2, 3] },
    { name: 'nobody interested', k: 2, rows: [[1, false, 10], [2, false, 20]], expected: [] },
    { name: 'k = 0', k: 0, rows: [[1, true, 10]], expected: [] },
    { name: 'zero rates still chosen', k: 2, rows: [[7, true, 0], [9, true, 0]], expected: [7, 9] },
  ];
  test.each(cases)('$name', ({ k, rows, expected }) => {
    for (let seed = 1; seed <= 20; seed++) {
      const decision = manager(k, seed).rechoke(snap(rows));
      expect(decision.preferred).toEqual(expected);
      expect(decision.unchoke).toEqual(expected);
      expect(decision.choke).toEqual([]);
      expect(decision.preferredChanged).toBe(expected.length > 0);
    }
  });

  test('ties are broken at random: different seeds choose different tied neighbours', () => {
    // 1 is the clear winner; 2..5 tie for the second slot.
    const rows: Row[] = [[1, true, 100], [2, true, 50], [3, true, 50], [4, true, 50], [5, true, 50], [6, true, 1]];
    const seconds = new Set<number>();
    for (let seed = 1; seed <= 60; seed++) {
      const preferred = manager(2, seed).rechoke(snap(rows)).preferred;
      expect(preferred).toContain(1);
      expect(preferred).not.toContain(6);
      seconds.add(preferred.find((id) => id !== 1)!);
    }
    expect(sorted(seconds)).toEqual([2, 3, 4, 5]);
  });

  test('the same seed reproduces the same tie break, whatever the listing order', () => {
    const rows: Row[] = [[1, true, 5], [2, true, 5], [3, true, 5], [4, true, 5], [5, true, 5]];
    for (let seed = 1; seed <= 30; seed++) {
      const first = manager(2, seed).rechoke(snap(rows)).preferred;
      const again = manager(2, seed).rechoke(snap(rows)).preferred;
      const reversed = manager(2, seed).rechoke(snap([...rows].reverse())).preferred;
      expect(again).toEqual(first);
      expect(reversed).toEqual(first);
    }
  });

  test('with the complete file, k are chosen at random among the interested, rates ignored', () => {
    const rows: Row[] = [[1, true, 1_000_000], [2, true, 0], [3, true, 0], [4, true, 0], [5, false, 5_000_000]];
    const timesChosen = new Map<number, number>();
    const runs = 300;
    for (let seed = 1; seed <= runs; seed++) {
      const decision = manager(2, seed).rechoke(snap(rows, true));
      expect(decision.preferred).toHaveLength(2);
      for (const id of decision.preferred) timesChosen.set(id, (timesChosen.get(id) ?? 0) + 1);
    }
    expect(timesChosen.has(5)).toBe(false);
    for (const id of [1, 2, 3, 4]) {
      // Each is expected in half the runs; the high-rate one gets no special treatment.
      expect(timesChosen.get(id)).toBeGreaterThan(runs * 0.3);
      expect(timesChosen.get(id)).toBeLessThan(runs * 0.7);
    }
  });

  test('no message to a neighbour already unchoked; the dropped ones are choked', () => {
    const m = manager(2);
    expect(m.rechoke(snap([[1, true, 30], [2, true, 20], [3, true, 10]])).unchoke).toEqual([1, 2]);

    const same = m.rechoke(snap([[1, true, 31], [2, true, 21], [3, true, 11]]));
    expect(same).toMatchObject({ unchoke: [], choke: [], preferred: [1, 2], preferredChanged: false });

    const shifted = m.rechoke(snap([[1, true, 1], [2, true, 21], [3, true, 11]]));
    expect(shifted).toMatchObject({ unchoke: [3], choke: [1], preferred: [2, 3], preferredChanged: true });
  });

  test('a previously unchoked neighbour is not choked when it is the optimistic one', () => {
    const m = manager(1);
    m.rechoke(snap([[1, true, 50], [2, true, 0]]));
    expect(m.rotateOptimistic(snap([[1, true, 50], [2, true, 0]]))).toMatchObject({ unchoke: [2], optimistic: 2 });

    // 3 now beats 1; 1 is choked, 2 stays unchoked as the optimistic one.
    const decision = m.rechoke(snap([[1, true, 10], [2, true, 0], [3, true, 90]]));
    expect(decision).toMatchObject({ unchoke: [3], choke: [1], preferred: [3], optimistic: 2, optimisticChosen: false });
    expect(sorted(m.unchoked)).toEqual([2, 3]);
  });

  test('the optimistic neighbour chosen as preferred is both and counts once', () => {
    const m = manager(1);
    m.rechoke(snap([[1, true, 50], [2, true, 0]]));
    m.rotateOptimistic(snap([[1, true, 50], [2, true, 0]]));
    const decision = m.rechoke(snap([[1, true, 0], [2, true, 80]]));
    expect(decision).toMatchObject({ unchoke: [], choke: [1], preferred: [2], optimistic: 2 });
    expect(sorted(m.unchoked)).toEqual([2]);
  });

  test('a neighbour missing from the snapshot is forgotten without a choke message', () => {
    const m = manager(2);
    m.rechoke(snap([[1, true, 5], [2, true, 6]]));
    const decision = m.rechoke(snap([[2, true, 6], [3, true, 1]]));
    expect(decision).toMatchObject({ unchoke: [3], choke: [], preferred: [2, 3], preferredChanged: true });
  });
});

describe('ChokingManager.rotateOptimistic', () => {
  test('picks only among the choked and interested', () => {
    const rows: Row[] = [[1, true, 90], [2, true, 80], [3, true, 0], [4, false, 0], [5, true, 0], [6, false, 0]];
    const picked = new Set<number>();
    for (let seed = 1; seed <= 60; seed++) {
      const m = manager(2, seed);
      m.rechoke(snap(rows));
      const decision = m.rotateOptimistic(snap(rows));
      expect(decision.optimisticChosen).toBe(true);
      expect(decision.unchoke).toEqual([decision.optimistic]);
      expect(decision.choke).toEqual([]);
      picked.add(decision.optimistic!);
    }
    expect(sorted(picked)).toEqual([3, 5]);
  });

  test('the old optimistic neighbour is choked when a new one is picked', () => {
    const m = manager(1);
    m.rechoke(snap([[1, true, 9], [2, true, 0]]));
    m.rotateOptimistic(snap([[1, true, 9], [2, true, 0]]));
    const decision = m.rotateOptimistic(snap([[1, true, 9], [2, true, 0], [3, true, 0]]));
    expect(decision).toMatchObject({ unchoke: [3], choke: [2], optimistic: 3, optimisticChosen: true });
  });

  test('the old optimistic neighbour stays unchoked when it has become preferred', () => {
    const m = manager(1);
    m.rechoke(snap([[1, true, 9], [2, true, 0]]));
    m.rotateOptimistic(snap([[1, true, 9], [2, true, 0]]));
    m.rechoke(snap([[1, true, 0], [2, true, 9]])); // 2 is now both
    const decision = m.rotateOptimistic(snap([[1, true, 0], [2, true, 9]]));
    expect(decision).toMatchObject({ unchoke: [1], choke: [], optimistic: 1, preferred: [2] });
  });

  test('keeps the current optimistic neighbour when there is no candidate', () => {
    const m = manager(1);
    m.rechoke(snap([[1, true, 9], [2, true, 0]]));
    m.rotateOptimistic(snap([[1, true, 9], [2, true, 0]]));
    const decision = m.rotateOptimistic(snap([[1, true, 9], [2, true, 0], [3, false, 0]]));
    expect(decision).toMatchObject({ unchoke: [], choke: [], optimistic: 2, optimisticChosen: false });
  });

  const lostInterest: { name: string; rows: Row[]; choke: number[]; optimistic: number | undefined }[] = [
    { name: 'loses interest: cleared and choked', rows: [[1, true, 9], [2, false, 0]], choke: [2], optimistic: undefined },
    { name: 'disconnects: cleared, nothing to send', rows: [[1, true, 9]], choke: [], optimistic: undefined },
  ];
  test.each(lostInterest)('optimistic neighbour $name', ({ rows, choke, optimistic }) => {
    const m = manager(1);
    m.rechoke(snap([[1, true, 9], [2, true, 0]]));
    m.rotateOptimistic(snap([[1, true, 9], [2, true, 0]]));
    const decision = m.rotateOptimistic(snap(rows));
    expect(decision).toMatchObject({ unchoke: [], choke, optimistic, optimisticChosen: false });
    expect(sorted(m.unchoked)).toEqual([1]);
  });

  test('an optimistic neighbour that lost interest but is preferred is cleared without a choke', () => {
    const m = manager(1);
    m.rechoke(snap([[1, true, 9], [2, true, 0]]));
    m.rotateOptimistic(snap([[1, true, 9], [2, true, 0]]));
    m.rechoke(snap([[1, true, 0], [2, true, 9]])); // 2 preferred and optimistic
    const decision = m.rotateOptimistic(snap([[1, false, 0], [2, false, 9]]));
    expect(decision).toMatchObject({ unchoke: [], choke: [], optimistic: undefined, preferred: [2] });
  });

  test('nobody interested: nothing happens', () => {
    const decision = manager(2).rotateOptimistic(snap([[1, false, 0], [2, false, 0]]));
    expect(decision).toEqual({
      unchoke: [], choke: [], preferred: [], preferredChanged: false, optimistic: undefined, optimisticChosen: false,
    });
  });
});

describe('ChokingManager.refresh', () => {
  test('first choice happens as soon as a single neighbour is interested', () => {
    const m = manager(2);
    expect(m.refresh(snap([[1, false, 0], [2, false, 0]])).unchoke).toEqual([]);
    const decision = m.refresh(snap([[1, false, 0], [2, true, 0]]));
    expect(decision).toEqual({
      unchoke: [2], choke: [], preferred: [2], preferredChanged: true, optimistic: undefined, optimisticChosen: false,
    });
  });

  test('free preferred slots are filled at once, by rate', () => {
    const m = manager(2);
    m.refresh(snap([[1, true, 0], [2, false, 0], [3, false, 0]]));
    const decision = m.refresh(snap([[1, true, 0], [2, true, 10], [3, true, 20]]));
    // One slot was free: 3 (highest rate) fills it; 2 is choked and interested, so it becomes the optimistic one.
    expect(decision).toMatchObject({ unchoke: [2, 3], choke: [], preferred: [1, 3], optimistic: 2, optimisticChosen: true });
  });

  test('slots are filled at random when we have the complete file', () => {
    const picked = new Set<number>();
    for (let seed = 1; seed <= 60; seed++) {
      const m = manager(1, seed);
      const decision = m.refresh(snap([[1, true, 1_000], [2, true, 0], [3, true, 0]], true));
      picked.add(decision.preferred[0]);
    }
    expect(sorted(picked)).toEqual([1, 2, 3]);
  });

  const departures: { name: string; rows: Row[]; choke: number[] }[] = [
    { name: 'loses interest: choked', rows: [[1, true, 50], [2, false, 40], [3, true, 30], [4, true, 5]], choke: [2] },
    { name: 'disconnects: no message', rows: [[1, true, 50], [3, true, 30], [4, true, 5]], choke: [] },
  ];
  test.each(departures)('a preferred neighbour that $name, and its slot is refilled by rate', ({ rows, choke }) => {
    const m = manager(2);
    m.rechoke(snap([[1, true, 50], [2, true, 40], [3, false, 30], [4, false, 5]]));
    const decision = m.refresh(snap(rows));
    // 3 (rate 30) beats 4 (rate 5) for the free slot; 4, choked and interested, becomes
    // the optimistic one since there was none yet.
    expect(decision).toMatchObject({ unchoke: [3, 4], choke, preferred: [1, 3], preferredChanged: true });
    expect(decision).toMatchObject({ optimistic: 4, optimisticChosen: true });
    expect(m.unchoked.size).toBeLessThanOrEqual(3);
  });

  test('a preferred neighbour that lost interest but is optimistic stays unchoked', () => {
    const m = manager(1);
    m.rechoke(snap([[1, true, 9], [2, true, 0]]));
    m.rotateOptimistic(snap([[1, true, 9], [2, true, 0]]));
    m.rechoke(snap([[1, true, 0], [2, true, 9]])); // 2 both preferred and optimistic; 1 choked
    const decision = m.refresh(snap([[1, true, 0], [2, false, 9]]));
    // 2 leaves the preferred set but is not choked; 1 refills the free slot.
    expect(decision).toMatchObject({ unchoke: [1], choke: [], preferred: [1], optimistic: 2 });
  });

  test('keeps the current optimistic neighbour and does not pick another', () => {
    const m = manager(1);
    m.rechoke(snap([[1, true, 9], [2, true, 0]]));
    m.rotateOptimistic(snap([[1, true, 9], [2, true, 0]]));
    const decision = m.refresh(snap([[1, true, 9], [2, true, 0], [3, true, 0]]));
    expect(decision).toMatchObject({ unchoke: [], choke: [], optimistic: 2, optimisticChosen: false });
  });

  test('a full preferred set is not recomputed between ticks', () => {
    const m = manager(1);
    m.rechoke(snap([[1, true, 9], [2, false, 0]]));
    const decision = m.refresh(snap([[1, true, 0], [2, true, 1000]]));
    expect(decision).toMatchObject({ preferred: [1], preferredChanged: false, optimistic: 2, unchoke: [2] });
  });
});

describe('ChokingManager with optimisticApart (BitTorrent: the optimistic unchoke is a slot of its own)', () => {
  const apart = (preferredCount: number) => new ChokingManager({ preferredCount, random: seededRandom(1), optimisticApart: true });

  test('an optimistic neighbour ranked into the preferred set at a rechoke hands its slot on, without a choke and unchoke in between', () => {
    const m = apart(1);
    m.rechoke(snap([[1, true, 50], [2, true, 0], [3, false, 0]]));
    m.rotateOptimistic(snap([[1, true, 50], [2, true, 0], [3, false, 0]]));
    const decision = m.rechoke(snap([[1, true, 0], [2, true, 80], [3, false, 0]]));
    // 2 is preferred now; 1, dropped from the preferred set, is the new optimistic one and simply stays unchoked.
    expect(decision).toMatchObject({ unchoke: [], choke: [], preferred: [2], optimistic: 1, optimisticChosen: true });
    expect(sorted(m.unchoked)).toEqual([1, 2]);
  });

  test('the same when a refresh ranks the optimistic neighbour into a freed slot', () => {
    const m = apart(1);
    m.rechoke(snap([[1, true, 9], [2, true, 0], [3, false, 0]]));
    m.rotateOptimistic(snap([[1, true, 9], [2, true, 0], [3, false, 0]]));
    const decision = m.refresh(snap([[1, false, 9], [2, true, 5], [3, true, 0]]));
    expect(decision).toMatchObject({ unchoke: [3], choke: [1], preferred: [2], optimistic: 3, optimisticChosen: true });
  });

  test('an optimistic neighbour that loses interest is choked at once, its slot given to another', () => {
    const m = apart(1);
    m.rechoke(snap([[1, true, 9], [2, true, 0], [3, false, 0]]));
    m.rotateOptimistic(snap([[1, true, 9], [2, true, 0], [3, false, 0]]));
    expect(m.refresh(snap([[1, true, 9], [2, false, 0], [3, true, 0]]))).toMatchObject({ unchoke: [3], choke: [2], preferred: [1], optimistic: 3 });
    expect(m.refresh(snap([[1, true, 9], [2, false, 0], [3, false, 0]]))).toMatchObject({ unchoke: [], choke: [3], optimistic: undefined });
  });

  test('with nobody else choked and interested, the optimistic neighbour stays as it is', () => {
    const m = apart(1);
    m.rechoke(snap([[1, true, 50], [2, true, 0]]));
    m.rotateOptimistic(snap([[1, true, 50], [2, true, 0]]));
    const decision = m.rechoke(snap([[1, false, 0], [2, true, 80]]));
    expect(decision).toMatchObject({ unchoke: [], choke: [1], preferred: [2], optimistic: 2, optimisticChosen: false });
  });
});

describe('ChokingManager.remove and accessors', () => {
  test('remove forgets a preferred and an optimistic neighbour', () => {
    const m = manager(1);
    m.rechoke(snap([[1, true, 9], [2, true, 0]]));
    m.rotateOptimistic(snap([[1, true, 9], [2, true, 0]]));
    expect(m.isUnchoked(1) && m.isUnchoked(2)).toBe(true);

    m.remove(1);
    expect(sorted(m.preferred)).toEqual([]);
    expect(m.isUnchoked(1)).toBe(false);
    m.remove(2);
    expect(m.optimistic).toBeUndefined();
    expect(m.unchoked.size).toBe(0);
    m.remove(99); // unknown: no effect

    // Nothing is sent to removed neighbours; the next refresh only unchokes the newcomers.
    expect(m.refresh(snap([[3, true, 0]]))).toMatchObject({ unchoke: [3], choke: [], preferred: [3] });
  });

  test('accessors return copies', () => {
    const m = manager(2);
    m.rechoke(snap([[1, true, 1]]));
    const held = m.preferred;
    m.rechoke(snap([[2, true, 1]]));
    expect(sorted(held)).toEqual([1]);
    expect(sorted(m.preferred)).toEqual([2]);
  });

  const bad: { name: string; build: () => unknown }[] = [
    { name: 'negative k', build: () => manager(-1) },
    { name: 'fractional k', build: () => manager(1.5) },
    { name: 'duplicate neighbour', build: () => manager(1).rechoke(snap([[1, true, 0], [1, false, 0]])) },
    { name: 'negative bytes', build: () => manager(1).refresh(snap([[1, true, -1]])) },
    { name: 'NaN bytes', build: () => manager(1).rotateOptimistic(snap([[1, true, NaN]])) },
  ];
  test.each(bad)('rejects $name', ({ build }) => {
    expect(build).toThrow(RangeError);
  });
});
