import { TransferView } from '../../../src/cli/transfer/TransferView.js';
import type { HashProgress } from '../../../src/storage/pieceHashes.js';
import { ManualClock } from '../../support/ManualClock.js';
import { MiB, snapshot } from './snapshots.js';

const REDRAW = '\r\x1b[2K';

/** A fake stdout that keeps what is written. */
function output(isTTY: boolean, columns = 80) {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (text: string) => (writes.push(text), true) };
}

function setUp(isTTY: boolean, columns = 80, env: NodeJS.ProcessEnv = {}) {
  const clock = new ManualClock(1_000_000);
  const out = output(isTTY, columns);
  const view = new TransferView(out, { clock, env });
  return { clock, out, view };
}

/** Sends a snapshot every `everyMs` for `forMs`, the pieces growing with time. */
function feed(clock: ManualClock, view: TransferView, forMs: number, everyMs: number, phase: 'downloading' | 'seeding' = 'downloading') {
  for (let t = 0; t < forMs; t += everyMs) {
    const piecesDone = Math.min(1221, Math.floor(t / 10));
    view.show(snapshot({ phase, atMs: clock.now(), piecesDone, bytesDone: piecesDone * MiB }));
    clock.advance(everyMs);
  }
}

const check = (piecesDone: number): HashProgress => ({ piecesDone, pieceCount: 340, bytesDone: piecesDone * MiB, bytesTotal: 340 * MiB });

describe('on a terminal: one line redrawn in place', () => {
  test('the first snapshot is drawn at once: carriage return, clear the line, the line one column short of the width', () => {
    const { out, view } = setUp(true, 80);
    view.show(snapshot());
    expect(out.writes).toHaveLength(1);
    expect(out.writes[0].startsWith(REDRAW)).toBe(true);
    expect(out.writes[0].slice(REDRAW.length).length).toBeLessThanOrEqual(79);
    expect(out.writes[0]).toContain('120/1221 pieces');
  });

  test('20 snapshots a second for 2 s: at most one redraw every 200 ms', () => {
    const { clock, out, view } = setUp(true);
    feed(clock, view, 2_000, 50);
    expect(out.writes.length).toBeGreaterThanOrEqual(10);
    expect(out.writes.length).toBeLessThanOrEqual(11);
    expect(out.writes.every((w) => w.startsWith(REDRAW) && !w.includes('\n'))).toBe(true);
  });

  test('the latest snapshot is drawn when its time comes, though nothing follows it', () => {
    const { clock, out, view } = setUp(true);
    view.show(snapshot({ piecesDone: 1 }));
    clock.advance(50);
    view.show(snapshot({ piecesDone: 2 }));
    view.show(snapshot({ piecesDone: 3 }));
    expect(out.writes).toHaveLength(1);
    clock.advance(149);
    expect(out.writes).toHaveLength(1);
    clock.advance(1);
    expect(out.writes).toHaveLength(2);
    expect(out.writes[1]).toContain('   3/1221 pieces');
    clock.advance(10_000);
    expect(out.writes).toHaveLength(2);
  });

  test('a new phase: the last line stays with its latest state, the new one starts below at once', () => {
    const { clock, out, view } = setUp(true);
    view.show(snapshot({ piecesDone: 1200 }));
    clock.advance(10);
    view.show(snapshot({ piecesDone: 1221, bytesDone: 1221 * MiB }));
    view.show(snapshot({ phase: 'seeding', piecesDone: 1221, bytesDone: 1221 * MiB }));
    expect(out.writes.map((w) => w.replace(/[█░]+/, 'BAR'))).toEqual([
      expect.stringContaining('1200/1221 pieces'),
      expect.stringMatching(/1221\/1221 pieces.*ETA 0s$/),
      '\n',
      expect.stringMatching(/^\r\x1b\[2K.*1221\/1221 pieces.*seeding$/),
    ]);
  });

  test('stop draws what is pending and ends the line; it stops only once, and then shows nothing', () => {
    const { clock, out, view } = setUp(true);
    view.show(snapshot({ piecesDone: 1 }));
    view.show(snapshot({ piecesDone: 2 }));
    view.stop();
    expect(out.writes.slice(1)).toEqual([expect.stringContaining('   2/1221 pieces'), '\n']);
    expect(clock.pendingTimers).toBe(0);
    view.stop();
    view.show(snapshot());
    clock.advance(1_000);
    expect(out.writes).toHaveLength(3);
  });

  test('stop before anything was shown writes nothing', () => {
    const { out, view } = setUp(true);
    view.stop();
    expect(out.writes).toEqual([]);
  });

  test.each([40, 80, 200])('a %d-column terminal: no line reaches its edge', (columns) => {
    const { clock, out, view } = setUp(true, columns);
    feed(clock, view, 1_000, 100);
    feed(clock, view, 1_000, 100, 'seeding');
    for (const w of out.writes) expect(w.replace(REDRAW, '').replace('\n', '').length).toBeLessThan(columns);
  });

  test('COLUMNS wins over the terminal width', () => {
    const { out, view } = setUp(true, 200, { COLUMNS: '41' });
    view.show(snapshot());
    expect(out.writes[0].slice(REDRAW.length).length).toBeLessThanOrEqual(40);
  });
});

describe('not on a terminal (a pipe, a file, CI): plain lines, few of them', () => {
  test('20 snapshots a second for 12 s: a line every 5 s, no escapes, no bar', () => {
    const { clock, out, view } = setUp(false);
    feed(clock, view, 12_000, 50);
    expect(out.writes).toHaveLength(3);
    expect(out.writes.map((w) => w.slice(0, w.indexOf(' pieces')))).toEqual(['downloading ubuntu.iso: 0/1221', 'downloading ubuntu.iso: 500/1221', 'downloading ubuntu.iso: 1000/1221']);
    for (const w of out.writes) expect(w).toMatch(/^[^\x00-\x1f\x7f-\x9f█░]*\n$/);
  });

  test('a new phase prints at once; stop prints the latest state once and nothing more', () => {
    const { clock, out, view } = setUp(false);
    view.show(snapshot());
    clock.advance(1_000);
    view.show(snapshot({ phase: 'seeding', piecesDone: 1221, bytesDone: 1221 * MiB }));
    clock.advance(1_000);
    view.show(snapshot({ phase: 'seeding', piecesDone: 1221, bytesDone: 1221 * MiB, uploadBytesPerSecond: MiB }));
    expect(out.writes).toHaveLength(2);
    expect(out.writes[1]).toMatch(/^seeding ubuntu\.iso: 1221\/1221 pieces \(100%\), .* 0 B\/s up, .*seeds?\)\n$/);
    view.stop();
    view.stop();
    expect(out.writes).toHaveLength(3);
    expect(out.writes[2]).toContain('1.0 MiB/s up');
    expect(clock.pendingTimers).toBe(0);
  });

  test('stop with nothing pending prints nothing more', () => {
    const { out, view } = setUp(false);
    view.show(snapshot());
    view.stop();
    expect(out.writes).toHaveLength(1);
  });
});

describe('the recheck of the data on disk', () => {
  test('plain: its start, every 5 s, and its end at once, with the rate since its start', () => {
    const { clock, out, view } = setUp(false);
    for (let pieces = 0; pieces <= 340; pieces += 10) {
      view.showCheck(check(pieces));
      clock.advance(200);
    }
    view.show(snapshot());
    expect(out.writes).toEqual([
      'checking: 0.0% (0/340 pieces)\n',
      'checking: 73.5% (250/340 pieces, 50.0 MiB/s)\n',
      'checking: 100% (340/340 pieces, 50.0 MiB/s)\n',
      expect.stringMatching(/^downloading ubuntu\.iso: /),
    ]);
  });

  test('on a terminal: redrawn in place, cut to the width; its line stays when the download starts', () => {
    const { clock, out, view } = setUp(true, 30);
    view.showCheck(check(0));
    clock.advance(1_000);
    view.showCheck(check(120));
    view.show(snapshot());
    expect(out.writes).toEqual([`${REDRAW}checking: 0.0% (0/340 pieces)`, `${REDRAW}checking: 35.2% (120/340 pie…`, '\n', expect.stringMatching(/^\r\x1b\[2Kubuntu\.…/)]);
  });

  test('a second recheck measures its rate from its own start', () => {
    const { clock, out, view } = setUp(false);
    view.showCheck(check(0));
    clock.advance(1_000);
    view.showCheck(check(340));
    view.show(snapshot());
    clock.advance(60_000);
    view.showCheck(check(0));
    clock.advance(1_000);
    view.showCheck(check(340));
    expect(out.writes.filter((w) => w.startsWith('checking: 100%'))).toEqual(['checking: 100% (340/340 pieces, 340.0 MiB/s)\n', 'checking: 100% (340/340 pieces, 340.0 MiB/s)\n']);
  });
});
