import type { SpecEvent } from '../../src/log/specSentences.js';
import { figuresOf, interpretation, seederLast, spreadOf, type StrategyFigures, type StrategyOutcome } from './testbedFigures.js';

const SEEDER = 1004;
const FILE_SIZE = 2_500; // three pieces of 1,000 B, the last 500 B
const PIECE_SIZE = 1_000;

type Story = StrategyOutcome['peers'][number];

/** A leecher's story: its start, the pieces it logged (index, from whom, when) and its completion. */
function leecher(peerId: number, startedMs: number, pieces: [index: number, from: number, ms: number][], completedMs?: number): Story {
  const events = pieces.map(([index, other, ms], i) => ({ ms, event: { kind: 'downloadedPiece', peer: peerId, index, other, count: i + 1 } as SpecEvent }));
  return { peerId, startedMs, completedMs, events: events.map((e) => ({ ...e, resolutionMs: 1, sentence: '', text: '' })) };
}

function outcome(peers: Story[], more: Partial<StrategyOutcome> = {}): StrategyOutcome {
  return { strategy: 'course', exitCode: 0, seederId: SEEDER, fileSize: FILE_SIZE, pieceSize: PIECE_SIZE, peers, seederLinkBytes: 5_500, copies: 4, verifiedCopies: 4, ...more };
}

const seeder: Story = { peerId: SEEDER, startedMs: 10_000, completedMs: undefined, events: [] };

function figures(strategy: string, lastCompletionSeconds: number | undefined, seederPieceCopies: number, ok = true): StrategyFigures {
  return {
    strategy,
    ok,
    leechers: 3,
    completedLeechers: 3,
    lastCompletionSeconds,
    seederPieceBytes: seederPieceCopies * FILE_SIZE,
    seederPieceCopies,
    seederLinkBytes: 0,
    seederLinkCopies: 0,
    copies: 4,
    verifiedCopies: 4,
  };
}

describe("the testbed bench's figures", () => {
  test("times count from the seeder's start (the last one); the seeder's share counts the pieces logged from it, the last one shorter", () => {
    const peers = [
      leecher(1001, 1_000, [[0, SEEDER, 11_000], [2, SEEDER, 12_000], [1, 1002, 13_000]], 14_000),
      leecher(1002, 4_000, [[1, SEEDER, 11_500], [0, 1001, 12_500], [2, SEEDER, 13_500]], 18_000),
      leecher(1003, 7_000, [[0, 1001, 12_000], [1, 1002, 13_000], [2, 1001, 14_000]], 15_000),
      seeder,
    ];
    expect(figuresOf(outcome(peers))).toEqual({
      strategy: 'course',
      ok: true,
      leechers: 3,
      completedLeechers: 3,
      lastCompletionSeconds: 8,
      completionSeconds: { min: 4, median: 5, max: 8 },
      seederPieceBytes: 1_000 + 500 + 1_000 + 500,
      seederPieceCopies: 3_000 / FILE_SIZE,
      seederLinkBytes: 5_500,
      seederLinkCopies: 2.2,
      copies: 4,
      verifiedCopies: 4,
    });
  });

  test('a leecher that never completed, a copy that differs or a failed swarm makes the run not ok, with no last completion', () => {
    const complete = leecher(1001, 1_000, [[0, SEEDER, 11_000]], 12_000);
    const incomplete = leecher(1002, 2_000, [[1, SEEDER, 11_000]]);
    const partly = figuresOf(outcome([complete, incomplete, seeder]));
    expect(partly).toMatchObject({ ok: false, leechers: 2, completedLeechers: 1, lastCompletionSeconds: undefined, completionSeconds: { min: 2, median: 2, max: 2 } });
    expect(figuresOf(outcome([complete, seeder], { verifiedCopies: 3 })).ok).toBe(false);
    expect(figuresOf(outcome([complete, seeder], { exitCode: 7 })).ok).toBe(false);
  });

  test('without a debug log a peer starts at its first logged line', () => {
    const noDebugLog = { ...leecher(1001, 0, [[0, SEEDER, 11_000]], 13_000), startedMs: undefined };
    expect(figuresOf(outcome([noDebugLog, { ...seeder, startedMs: undefined, events: [] }])).lastCompletionSeconds).toBe(2);
  });

  test('the median of an even count is the mean of the middle two', () => {
    expect(spreadOf([4, 1, 3])).toEqual({ min: 1, median: 3, max: 4 });
    expect(spreadOf([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
  });
});

describe("the testbed bench's interpretation", () => {
  test('names the first to finish, how much longer the others took, and the copies the seeder sent under each', () => {
    expect(interpretation([figures('course', 20, 1.9), figures('rarest-first', 10, 1.05), figures('unpipelined rarest-first', 15, 1.2)], 8.4)).toBe(
      'rarest-first finished first, its last leecher after 10.0 s, ahead of unpipelined rarest-first (15.0 s: 1.50x as long), course (20.0 s: 2.00x as long); ' +
        'the seeder sent 1.05 copies of the file with rarest-first, 1.20 with unpipelined rarest-first, 1.90 with course (one copy through its uplink takes 8.4 s)',
    );
  });

  test('compares only what finished cleanly, and says what did not', () => {
    expect(interpretation([figures('course', 20, 1.9), figures('rarest-first', undefined, 0.5, false)], 8.4)).toBe(
      'only course finished cleanly; the seeder sent 1.90 copies of the file with course (one copy through its uplink takes 8.4 s); ' +
        'rarest-first did not finish cleanly: no figures compared for it',
    );
    expect(interpretation([figures('course', 20, 1.9, false), figures('rarest-first', 9, 1, false)], 8.4)).toBe(
      'no strategy finished cleanly; course, rarest-first did not finish cleanly: no figures compared for them',
    );
  });
});

describe("the testbed bench's PeerInfo.cfg", () => {
  test('makes the last peer the only seeder and keeps the comments', () => {
    const testbed = '# Testbed t: peerId host port hasFile\n1001 10.0.0.11 6008 1\n1002 10.0.0.12 6008 0\n1003 10.0.0.13 6008 0\n';
    expect(seederLast(testbed)).toBe('# Testbed t: peerId host port hasFile\n1001 10.0.0.11 6008 0\n1002 10.0.0.12 6008 0\n1003 10.0.0.13 6008 1\n');
  });
});
