import type { PeerEnd } from '../../src/launcher/SwarmLauncher.js';
import { summaryTable } from '../../src/launcher/summary.js';
import { EXITED_OK, SIX_PEERS, peerRun, swarmOf } from '../support/peerRuns.js';

const typical = swarmOf(SIX_PEERS.map((id) => peerRun(id, EXITED_OK, { completedAfterMs: id === 1001 ? undefined : (id - 999) * 1_000 })));
const notStarted: PeerEnd = { kind: 'not-started', because: 'peer 1002 did not start listening within 20 s' };
const failed = swarmOf([
  peerRun(1001, { kind: 'stopped', because: 'peer 1002 did not start listening within 20 s' }),
  peerRun(1002, { kind: 'exited', code: 5, signal: null }, { piecesHeld: 0 }),
  ...SIX_PEERS.slice(2).map((id) => peerRun(id, notStarted, { piecesHeld: 0 })),
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
