import type { PeerInfo } from '../../src/config/PeerInfo';
import type { PeerEnd, PeerRun, SwarmRun } from '../../src/launcher/SwarmLauncher';
import { summaryTable } from '../../src/launcher/summary';

const IDS = [1001, 1002, 1003, 1004, 1005, 1006];

/** A six-peer run as the launcher reports it: every peer traded with every other. */
function peerRun(peerId: number, end: PeerEnd, completedAfterMs?: number, piecesHeld = 1221): PeerRun {
  const peer: PeerInfo = { peerId, host: '127.0.0.1', port: 6000 + peerId, hasFile: peerId === 1001, line: peerId - 1000 };
  const others = IDS.filter((id) => id !== peerId);
  return {
    peer,
    startedAtMs: 1_000,
    completedAtMs: completedAfterMs === undefined ? undefined : 1_000 + completedAfterMs,
    piecesHeld,
    pieceCount: 1221,
    bytesDownloaded: 19_876_543,
    bytesUploaded: 21_234_567,
    neighbours: others.map((id) => ({ peerId: id, bytesDownloaded: 4_000_000, piecesDownloaded: 244, bytesUploaded: 4_200_000, piecesUploaded: 257 })),
    resources: { maxRssBytes: 61_234_567, cpuUserMs: 812, cpuSystemMs: 230 },
    end,
    tail: [],
    restarts: 0,
  };
}

function swarmOf(runs: PeerRun[]): SwarmRun {
  return { runs, lastStartMs: 2_000, endedMs: 9_000, timedOut: false };
}

const done: PeerEnd = { kind: 'exited', code: 0, signal: null };
const typical = swarmOf(IDS.map((id) => peerRun(id, done, id === 1001 ? undefined : (id - 999) * 1_000)));
const failed = swarmOf([
  peerRun(1001, { kind: 'stopped', because: 'peer 1002 did not start listening within 20 s' }),
  peerRun(1002, { kind: 'exited', code: 5, signal: null }, undefined, 0),
  ...IDS.slice(2).map((id) => peerRun(id, { kind: 'not-started', because: 'peer 1002 did not start listening within 20 s' }, undefined, 0)),
]);

describe('the end-of-run table fits the terminal', () => {
  test.each([80, 100, 200])('at %i columns: no line longer, and peer, end and time to complete always there', (width) => {
    for (const swarm of [typical, failed]) {
      const lines = summaryTable(swarm, width).split('\n');
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(width);
      expect(lines[0]).toMatch(/^peer {2}end +complete after/);
      for (const run of swarm.runs) expect(lines.some((line) => line.startsWith(`${run.peer.peerId}  `))).toBe(true);
    }
    expect(summaryTable(typical, width)).toMatch(/\n1002 {2}done {2}3\.00 s/);
    expect(summaryTable(failed, width)).toMatch(/\n1002 {2}exited with 5 +incomplete/);
  });

  test('at 80 columns the long lists of who traded with whom go, the narrow columns that still fit stay, and a note says how to see them', () => {
    const lines = summaryTable(typical, 80).split('\n');
    expect(lines[0]).toBe('peer  end   complete after  received  sent      peak memory  CPU');
    expect(lines.at(-1)).toBe('(hidden to fit 80 columns: pieces from, pieces to; COLUMNS=159 shows them)');
    // A note naming six columns would not fit: it counts them.
    expect(summaryTable(failed, 80).split('\n').at(-1)).toBe('(6 columns hidden to fit 80: COLUMNS=214 shows them)');
  });

  test('a reason too long for the width is cut short with an ellipsis, not wrapped', () => {
    const text = summaryTable(failed, 60);
    expect(text).toMatch(/\n1003 {2}not started \(peer 1002[^\n]*…/);
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
  });

  test('wide (200 columns, or a pipe): every column, nothing cut, no note', () => {
    for (const width of [200, Infinity]) {
      const text = summaryTable(typical, width);
      expect(text.split('\n')[0]).toMatch(/^peer {2}end +complete after {2}received {2}pieces from +sent +pieces to +peak memory {2}CPU$/);
      expect(text).toContain('1002  done  3.00 s          19.0 MiB  1001:244 1003:244 1004:244 1005:244 1006:244  20.3 MiB  1001:257');
      expect(text).not.toContain('…');
      expect(text).not.toContain('hidden');
    }
  });
});
