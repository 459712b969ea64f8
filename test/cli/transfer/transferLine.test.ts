import { checkingLine, plainTransferLine, transferLine } from '../../../src/cli/transfer/transferLine.js';
import { MiB, snapshot } from './snapshots.js';

const BAR = /\[[█░]+\]/;

describe('the terminal line', () => {
  test('wide: the whole name, a 40-cell bar and every part', () => {
    expect(transferLine(snapshot(), 200)).toBe(`ubuntu.iso [${'█'.repeat(4)}${'░'.repeat(36)}]  120/1221 pieces   9.8%  ↓ 12.3 MiB/s  ↑ 0 B/s  3 peers (1 seed)  ETA 1m 30s`);
  });

  test.each([
    [200, ['ubuntu.iso', 'pieces', '9.8%', '↓', '↑', 'peers', 'ETA']],
    [120, ['ubuntu.iso', 'pieces', '9.8%', '↓', '↑', 'peers', 'ETA']],
    [80, ['ubuntu.iso', 'pieces', '9.8%', '↓', 'ETA']],
    [60, ['ubuntu.iso', '9.8%', '↓', 'ETA']],
    [40, ['ubuntu.…', '9.8%', 'ETA']],
    [20, ['ubuntu.…']],
  ])('at %d columns: the bar narrows, then the parts go, least useful first; never wider', (width, kept) => {
    const line = transferLine(snapshot(), width);
    expect(line.length).toBeLessThanOrEqual(width);
    for (const part of kept) expect(line).toContain(part);
    const gone = ['pieces', '9.8%', '↓', '↑', 'peers', 'ETA'].filter((part) => !kept.includes(part));
    for (const part of gone) expect(line).not.toContain(part);
    if (width >= 40) expect(line).toMatch(BAR);
  });

  test('the bar narrows before any part goes', () => {
    const full = transferLine(snapshot(), 200);
    const narrower = transferLine(snapshot(), full.length - 25);
    expect(narrower).toBe(full.replace(/\[[█░]+\]/, `[█${'░'.repeat(14)}]`));
  });

  test.each([40, 80, 200])('at %d columns, no line is wider, whatever the figures', (width) => {
    const extremes = [
      snapshot({ name: 'a-very-long-torrent-name-that-goes-on-and-on.iso', piecesDone: 0, bytesDone: 0, downloadBytesPerSecond: 0 }),
      snapshot({ pieceCount: 123456, piecesDone: 123455, bytesTotal: 2 ** 40, bytesDone: 2 ** 40 - 1, downloadBytesPerSecond: 1, uploadBytesPerSecond: 1023.9 * MiB, peersConnected: 1000, seedsConnected: 999 }),
      snapshot({ phase: 'seeding', piecesDone: 1221, bytesDone: 1221 * MiB }),
    ];
    for (const s of extremes) expect(transferLine(s, width).length).toBeLessThanOrEqual(width);
  });

  test.each([
    ['nothing yet', snapshot({ piecesDone: 0, bytesDone: 0 }), '0.0%', '░'.repeat(40)],
    ['all but a byte: not yet 100%', snapshot({ piecesDone: 1220, bytesDone: 1221 * MiB - 1 }), '99.9%', `${'█'.repeat(40)}`],
    ['complete', snapshot({ piecesDone: 1221, bytesDone: 1221 * MiB }), '100%', '█'.repeat(40)],
  ])('percent and bar: %s', (_what, s, percent, bar) => {
    const line = transferLine(s, 200);
    expect(line).toContain(` ${percent}  `);
    expect(line).toContain(`[${bar}]`);
  });

  test.each([
    ['no download rate: unknown', snapshot({ downloadBytesPerSecond: 0 }), 'ETA --'],
    ['1101 MiB left at 12.3 MiB/s', snapshot(), 'ETA 1m 30s'],
    ['1101 MiB left at 100 KiB/s', snapshot({ downloadBytesPerSecond: 100 * 1024 }), 'ETA 3h 07m'],
    ['complete while still downloading', snapshot({ piecesDone: 1221, bytesDone: 1221 * MiB, downloadBytesPerSecond: 0 }), 'ETA 0s'],
  ])('ETA: %s', (_what, s, eta) => {
    expect(transferLine(s, 200).endsWith(eta)).toBe(true);
  });

  test.each([['seeding'], ['stopping'], ['checking']] as const)('%s: no ETA, the phase in its place', (phase) => {
    const line = transferLine(snapshot({ phase }), 200);
    expect(line).not.toContain('ETA');
    expect(line.endsWith(`  ${phase}`)).toBe(true);
  });

  test('seeding at 80 columns: the upload rate stays, the download rate goes first', () => {
    const line = transferLine(snapshot({ phase: 'seeding', piecesDone: 1221, bytesDone: 1221 * MiB, uploadBytesPerSecond: 2 * MiB }), 79);
    expect(line).toContain('↑ 2.0 MiB/s');
    expect(line).not.toContain('↓');
  });

  test('a hostile name cannot reach the terminal with its escapes', () => {
    expect(transferLine(snapshot({ name: '\x1b[2Jx' }), 200)).toMatch(/^\\x1b\[2Jx \[/);
  });
});

describe('the plain line (logs, pipes)', () => {
  test.each([
    ['downloading', snapshot(), 'downloading ubuntu.iso: 120/1221 pieces (9.8%), 12.3 MiB/s down, 0 B/s up, 3 peers (1 seed), ETA 1m 30s'],
    ['at the start', snapshot({ piecesDone: 0, bytesDone: 0, downloadBytesPerSecond: 0, peersConnected: 0, seedsConnected: 0 }), 'downloading ubuntu.iso: 0/1221 pieces (0.0%), 0 B/s down, 0 B/s up, 0 peers (0 seeds), ETA --'],
    [
      'seeding: no ETA',
      snapshot({ phase: 'seeding', piecesDone: 1221, bytesDone: 1221 * MiB, downloadBytesPerSecond: 0, uploadBytesPerSecond: 2 * MiB, peersConnected: 1, seedsConnected: 0 }),
      'seeding ubuntu.iso: 1221/1221 pieces (100%), 0 B/s down, 2.0 MiB/s up, 1 peer (0 seeds), ',
    ],
  ])('%s', (_what, s, expected) => {
    expect(plainTransferLine(s)).toBe(expected.replace(/, $/, ''));
  });

  test('no bar, no escapes', () => {
    const line = plainTransferLine(snapshot({ name: 'evil\x1b]0;x\x07' }));
    expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f█░]/);
  });
});

describe('the recheck line', () => {
  const progress = { piecesDone: 120, pieceCount: 340, bytesDone: 120 * MiB, bytesTotal: 340 * MiB };
  test.each([
    ['with its rate', progress, 210 * MiB, 'checking: 35.2% (120/340 pieces, 210.0 MiB/s)'],
    ['before a rate is known', { ...progress, piecesDone: 0, bytesDone: 0 }, undefined, 'checking: 0.0% (0/340 pieces)'],
    ['done', { ...progress, piecesDone: 340, bytesDone: 340 * MiB }, 300 * MiB, 'checking: 100% (340/340 pieces, 300.0 MiB/s)'],
  ])('%s', (_what, p, rate, expected) => {
    expect(checkingLine(p, rate)).toBe(expected);
  });
});
