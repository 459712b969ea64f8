import { byRateLimitMs, chokeByRateWhenLeeching, chokeMaxUnchoked, chokeOptimisticEveryM, chokeRechoiceEveryP, freeSlotLimitMs, noOptimisticLimitMs, overUnchokedLimitMs } from '../../src/conform/chokeRules.js';
import { SETTLE_MS, chokeStretches } from '../../src/conform/chokeTimeline.js';
import type { ConnectionRecord } from '../../src/conform/WireRecord.js';
import { byRateRun, choke, connection, handshake, interested, notInterested, piece, seederRun, unchoke, type Step } from './recordings.js';

/** The peer (1001, p = 1 s, k = 2) seeding our leechers 1002..; each gets the steps after its opening. */
function seeding(...perLeecher: Step[][]) {
  const connections: ConnectionRecord[] = perLeecher.map((steps, i) =>
    connection([['peer', 0, handshake(1001)], ['us', 0, handshake(1002 + i)], ...steps], `leecher ${1002 + i}`, 1002 + i),
  );
  return seederRun({ connections, end: { by: 'itself', atMs: 10_000, code: 0, signal: null } });
}

describe('the settled choke states', () => {
  test("one choice's messages, read within the settle time on separate connections, are one moment: the states between do not count", () => {
    // An unchoke read just before the choke it goes with: 3 unchoked for a moment, never settled.
    const run = seeding([['us', 10, interested], ['peer', 100, unchoke], ['peer', 1000 + SETTLE_MS, choke]], [['us', 10, interested], ['peer', 100, unchoke]], [['us', 10, interested], ['peer', 1000, unchoke]]);
    expect(chokeStretches(run).map((s) => [s.fromMs, s.unchoked.size])).toEqual([
      [10, 0],
      [100, 2],
      [1000 + SETTLE_MS, 2],
    ]);
  });
});

describe('choke.max-unchoked', () => {
  test('k + 1 unchoked at once passes', () => {
    const run = seeding(...[0, 1, 2].map((): Step[] => [['us', 10, interested], ['peer', 100, unchoke]]));
    expect(chokeMaxUnchoked(run)).toEqual({ verdict: 'pass', evidence: ['at most 3 unchoked at once (k = 2, so at most 3)'] });
  });

  test('k + 2 unchoked past p/4 fails, naming them; for less than p/4 it passes', () => {
    const four = (chokedAtMs: number) => seeding(...[0, 1, 2, 3].map((i): Step[] => [['us', 10, interested], ['peer', 100, unchoke], ...(i === 3 ? [['peer', chokedAtMs, choke] as Step] : [])]));
    const judged = chokeMaxUnchoked(four(100 + overUnchokedLimitMs(seederRun()) + 100));
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence).toEqual(['4 unchoked at once (k = 2, so at most 3) from +100ms for 350ms: {leecher 1002, leecher 1003, leecher 1004, leecher 1005}']);
    expect(chokeMaxUnchoked(four(300)).verdict).toBe('pass');
  });

  test('not shown when the peer unchoked nobody', () => {
    expect(chokeMaxUnchoked(seeding([['us', 10, interested]])).verdict).toBe('not-shown');
  });
});

describe('choke.rechoice-every-p', () => {
  const limit = freeSlotLimitMs(seederRun());

  test('an interested neighbour unchoked within 2 p passes, with the longest wait', () => {
    const judged = chokeRechoiceEveryP(seeding([['us', 10, interested], ['peer', 1010, unchoke]]));
    expect(judged).toEqual({
      verdict: 'pass',
      evidence: ['longest: a preferred slot free while an interested neighbour waited choked from +10ms to +1010ms (1000ms, limit 2000ms): unchoked {}, interested {leecher 1002}'],
    });
  });

  test('waiting choked past 2 p with a slot free fails', () => {
    const judged = chokeRechoiceEveryP(seeding([['us', 10, interested], ['peer', 10 + limit + 1, unchoke]]));
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toMatch(/^a preferred slot free while an interested neighbour waited choked from \+10ms to \+2011ms \(2001ms, limit 2000ms\)/);
  });

  test('a slot freed by a neighbour that lost interest must be given to one waiting: its not interested starts the wait', () => {
    const waits = (unchokedAtMs: number) =>
      chokeRechoiceEveryP(
        seeding(
          [['us', 10, interested], ['peer', 100, unchoke], ['us', 3000, notInterested]],
          [['us', 10, interested], ['peer', 100, unchoke]],
          [['us', 10, interested], ['peer', unchokedAtMs, unchoke]],
        ),
      );
    expect(waits(3000 + limit + 1).verdict).toBe('fail');
    expect(waits(3900).verdict).toBe('pass');
  });

  test('k interested neighbours unchoked and one more waiting is no free slot (that is the optimistic unchoke\'s)', () => {
    const run = seeding(...[0, 1].map((): Step[] => [['us', 10, interested], ['peer', 100, unchoke]]), [['us', 10, interested]]);
    expect(chokeRechoiceEveryP(run).verdict).toBe('pass');
  });

  test('not shown when none of ours was interested', () => {
    expect(chokeRechoiceEveryP(seeding([['peer', 100, unchoke]])).verdict).toBe('not-shown');
  });
});

/** The peer 1005 leeching: 1001 and 1002 feed it a piece at each time given, 1003 and 1004 give nothing; all four interested at +150ms. */
function leeching(unchokes: Record<number, Step[]>, fedAtMs: number[] = [100, 1100, 2100, 3100, 4100]) {
  const steps = (ourId: number): Step[] => [
    ['peer', 1, handshake(1005)],
    ['us', 2, handshake(ourId)],
    ['us', 150, interested],
    ...(ourId <= 1002 ? fedAtMs.map((atMs): Step => ['us', atMs, piece(0)]) : []),
    ...(unchokes[ourId] ?? []),
  ];
  const label = (ourId: number) => (ourId <= 1002 ? `feeder ${ourId}` : `empty ${ourId}`);
  return byRateRun({ connections: [1001, 1002, 1003, 1004].map((ourId) => connection(steps(ourId), label(ourId), ourId)), end: { by: 'itself', atMs: 5000, code: 0, signal: null } });
}

describe('choke.optimistic-every-m', () => {
  const limit = noOptimisticLimitMs(byRateRun());

  test('the feeders unchoked and one giving nothing on top passes', () => {
    expect(chokeOptimisticEveryM(byRateRun()).verdict).toBe('pass');
    const rotating = leeching({ 1001: [['peer', 200, unchoke]], 1002: [['peer', 200, unchoke]], 1003: [['peer', 200, unchoke], ['peer', 2200, choke]], 1004: [['peer', 2200, unchoke]] });
    expect(chokeOptimisticEveryM(rotating).verdict).toBe('pass');
  });

  test('only the feeders unchoked past 1.5 m while one giving nothing waits fails; less passes', () => {
    const onlyFeeders = (optimisticAtMs: number) => leeching({ 1001: [['peer', 200, unchoke]], 1002: [['peer', 200, unchoke]], 1003: [['peer', optimisticAtMs, unchoke]] });
    const judged = chokeOptimisticEveryM(onlyFeeders(200 + limit + 1));
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toBe(
      'only 2 neighbours feeding it unchoked while one giving nothing waited choked and interested from +200ms to +3201ms (3001ms, limit 3000ms): unchoked {feeder 1001, feeder 1002}, interested {empty 1003, empty 1004, feeder 1001, feeder 1002}',
    );
    expect(chokeOptimisticEveryM(onlyFeeders(200 + limit)).verdict).toBe('pass');
  });

  test('not shown where none of ours fed the peer', () => {
    expect(chokeOptimisticEveryM(seederRun()).verdict).toBe('not-shown');
  });
});

describe('choke.by-rate-when-leeching', () => {
  const limit = byRateLimitMs(byRateRun());

  test('the feeders preferred passes', () => {
    expect(chokeByRateWhenLeeching(byRateRun()).verdict).toBe('pass');
  });

  test('a feeder kept choked past 2 p while one giving nothing is unchoked fails, counted from p after its first piece (its rate shows) to its last', () => {
    const slowest = leeching({ 1001: [['peer', 200, unchoke]], 1003: [['peer', 200, unchoke]], 1004: [['peer', 200, unchoke]] });
    const judged = chokeByRateWhenLeeching(slowest);
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toMatch(/^a neighbour feeding it waited choked and interested while one giving nothing was unchoked from \+1100ms to \+4100ms \(3000ms, limit 2000ms\): unchoked \{empty 1003, empty 1004, feeder 1001\}/);
    const late = (unchokedAtMs: number) => leeching({ 1001: [['peer', 200, unchoke]], 1002: [['peer', unchokedAtMs, unchoke]], 1003: [['peer', 200, unchoke]] });
    expect(chokeByRateWhenLeeching(late(1100 + limit)).verdict).toBe('pass');
    expect(chokeByRateWhenLeeching(late(1100 + limit + 1)).verdict).toBe('fail');
  });

  test('not shown when the peer had the file', () => {
    expect(chokeByRateWhenLeeching(seederRun()).verdict).toBe('not-shown');
  });
});
