import { jest } from '@jest/globals';
import { ProgressView } from '../../src/launcher/ProgressView.js';
import { progressLine } from '../../src/launcher/progressLine.js';
import type { PeerEnd } from '../../src/launcher/SwarmLauncher.js';
import { EXITED_OK, SIX_PEERS, peerRun } from '../support/peerRuns.js';

const LONG_STATE = 'stopped (peer 1002 did not start listening within 20 s)';

describe('a progress bar fits the terminal', () => {
  test('wide: a 40-character bar and the whole state', () => {
    const line = progressLine({ peer: '1003', piecesHeld: 305, pieceCount: 1221, rate: '1.2 MiB', state: LONG_STATE }, 200);
    expect(line).toBe(`1003 [${'█'.repeat(10)}${'░'.repeat(30)}]  305/1221 pieces  1.2 MiB/s ${LONG_STATE}`);
  });

  test('at 80 columns: the bar narrows, then the state is cut short; never longer than the width', () => {
    const short = progressLine({ peer: '1003', piecesHeld: 1221, pieceCount: 1221, rate: '12.3 MiB', state: 'done' }, 79);
    expect(short).toBe(`1003 [${'█'.repeat(38)}] 1221/1221 pieces  12.3 MiB/s done`);
    expect(short).toHaveLength(79);
    const long = progressLine({ peer: '1003', piecesHeld: 0, pieceCount: 1221, rate: '0 B', state: LONG_STATE }, 79);
    expect(long).toHaveLength(79);
    expect(long).toMatch(/^1003 \[░{10}\]    0\/1221 pieces {2}0 B\/s stopped \(peer 1002 .*…$/);
  });

  test('a peer still starting (no piece count yet) has an empty bar', () => {
    expect(progressLine({ peer: '1004', piecesHeld: 0, pieceCount: 0, rate: '0 B', state: 'starting' }, 79)).toBe(`1004 [${'░'.repeat(40)}] 0/0 pieces  0 B/s starting`);
  });

  describe('the view on an 80-column terminal', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    /** What the terminal shows: lines between newlines and carriage returns, cursor and erase sequences taken out. */
    const shownLines = (written: string) =>
      written
        .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
        .split(/[\r\n]+/)
        .filter((line) => line.length > 0);

    test('while it runs and at its end: every bar on a line of its own, none longer than 80', () => {
      let written = '';
      const terminal = { isTTY: true, columns: 80, write: (text: string) => ((written += text), true) } as unknown as NodeJS.WriteStream;
      const stopped: PeerEnd = { kind: 'stopped', because: 'peer 1002 did not start listening within 20 s' };
      const runs = SIX_PEERS.map((id) => peerRun(id, id === 1004 ? stopped : EXITED_OK));
      const view = new ProgressView(() => runs, terminal, 500);
      view.start();
      // Redrawn while running (cli-progress lets the terminal cut lines then) and at the stop (it cuts them itself).
      jest.advanceTimersByTime(1_000);
      view.stop();
      const lines = shownLines(written);
      for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
      expect(lines.slice(-6).map((line) => line.slice(0, 4))).toEqual(SIX_PEERS.map(String));
      expect(lines.at(-3)).toMatch(/ 1221\/1221 pieces .* stopped \(peer 1002 .*…$/);
    });
  });
});
