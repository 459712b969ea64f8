import { transferSummary } from '../../../src/cli/transfer/transferSummary.js';
import { MiB, peer, snapshot } from './snapshots.js';

const complete = { piecesDone: 1221, bytesDone: 1221 * MiB, phase: 'stopping' as const };

describe('the summary at the end of a run', () => {
  test('a download: bytes, time, average, verified pieces; then the bytes per client, most downloaded first', () => {
    const s = snapshot({
      ...complete,
      atMs: 30_000,
      completedAtMs: 12_300,
      peers: [
        peer('libtorrent/2.0.8.0', 100 * MiB, 1 * MiB, '127.0.0.1:7001'),
        peer('aria2/1.36.0', 600 * MiB, 0, '127.0.0.1:7002'),
        peer('unknown', 0),
        peer('aria2/1.36.0', 521 * MiB, 2 * MiB, '127.0.0.1:7003'),
      ],
    });
    expect(transferSummary(s)).toEqual([
      'downloaded ubuntu.iso: 1.2 GiB in 12.30 s (avg 99.3 MiB/s), verified 1221 pieces',
      'uploaded ubuntu.iso: 3.0 MiB in 30.00 s (avg 102.4 KiB/s)',
      'client              peers  down       up',
      '------------------  -----  ---------  -------',
      'aria2/1.36.0        2      1.1 GiB    2.0 MiB',
      'libtorrent/2.0.8.0  1      100.0 MiB  1.0 MiB',
      'unknown             1      0 B        0 B',
    ]);
  });

  test('a seed (nothing downloaded): the upload, most uploaded first; a long run in minutes', () => {
    const s = snapshot({ ...complete, atMs: 3_723_000, peers: [peer('aria2/1.36.0', 0, 10 * MiB), peer('qBittorrent/4.6.3', 0, 300 * MiB), peer('aria2/1.36.0', 0, 5 * MiB)] });
    expect(transferSummary(s)).toEqual([
      'uploaded ubuntu.iso: 315.0 MiB in 1h 02m (avg 86.6 KiB/s)',
      'client             peers  down  up',
      '-----------------  -----  ----  ---------',
      'qBittorrent/4.6.3  1      0 B   300.0 MiB',
      'aria2/1.36.0       2      0 B   15.0 MiB',
    ]);
  });

  test('equal downloads: the upload decides, then the name', () => {
    const s = snapshot({ ...complete, peers: [peer('b', MiB), peer('a', MiB), peer('c', MiB, 1)] });
    expect(transferSummary(s).slice(4).map((line) => line.split(' ')[0])).toEqual(['c', 'a', 'b']);
  });

  test('stopped before the end: the pieces verified of all', () => {
    const s = snapshot({ phase: 'stopping', atMs: 5_000, peers: [peer('aria2/1.36.0', 120 * MiB)] });
    expect(transferSummary(s)[0]).toBe('downloaded ubuntu.iso: 120.0 MiB in 5.00 s (avg 24.0 MiB/s), verified 120 of 1221 pieces');
  });

  test('no peer ever came', () => {
    expect(transferSummary(snapshot({ phase: 'stopping', piecesDone: 0, bytesDone: 0, atMs: 0 }))).toEqual([
      'downloaded ubuntu.iso: 0 B in 0.00 s (avg 0 B/s), verified 0 of 1221 pieces',
      'no peers connected',
    ]);
  });

  test('all already on disk, nothing sent', () => {
    expect(transferSummary(snapshot({ ...complete, atMs: 2_000, peers: [peer('aria2/1.36.0', 0)] }))[0]).toBe(
      'ubuntu.iso: nothing sent or received in 2.00 s, verified 1221 pieces',
    );
  });

  test.each([40, 80])('at %d columns the table fits (the sentences above it may wrap), a long client name cut short', (width) => {
    const s = snapshot({ ...complete, peers: [peer('a client that says a great deal about itself', 512 * MiB), peer('aria2/1.36.0', 0, 3)] });
    const table = transferSummary(s, width).slice(2);
    for (const line of table) expect(line.length).toBeLessThanOrEqual(width);
    expect(table[2]).toMatch(/^a client .*512\.0 MiB/);
  });

  test('names cannot reach the terminal with their escapes', () => {
    const lines = transferSummary(snapshot({ ...complete, name: 'evil\x1b[2J', peers: [peer('x\x1b]0;y\x07', MiB)] }));
    for (const line of lines) expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  });
});
