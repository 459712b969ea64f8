import { initialState, pressKey, withConnection, withMessage } from '../../src/top/model.js';
import { cells, fileHeader, fileLine, fit, paneTitle, peerLine, statusText, torrentHeader, torrentLine } from '../../src/top/rows.js';
import { summary } from './fixtures.js';

const bytes = { units: 'bytes', base: 'binary' } as const;
const torrent = summary({ id: 'a', name: 'a-rather-long-torrent-name.iso', progress: 0.376, sizeBytes: 700 * 1024 * 1024 });

test('a torrent line: name, state, bar, percent, size, rates and peers, in the header\'s columns', () => {
  const line = torrentLine(torrent, 100, bytes);
  expect(line).toEqual({
    before: 'a-rather-long-torrent-name.i… downloading ',
    barDone: '████',
    barLeft: '░░░░░░',
    after: '  37%  700 MiB    150 KiB/s   20.0 KiB/s   3(1)',
  });
  const whole = line.before + line.barDone + line.barLeft + line.after;
  const header = torrentHeader(100);
  expect(whole.length).toBe(header.trimEnd().length);
  expect(header.indexOf('Peers') + 'Peers'.length).toBe(whole.length);
  expect(torrentLine(summary({ id: 'b', name: 'magnet', sizeBytes: null, progress: 0 }), 100, bytes).after).toContain('    ? ');
});

test('in 80 columns the bar is shorter, and the line still fits', () => {
  const line = torrentLine(torrent, 79, bytes);
  expect(line.barDone + line.barLeft).toBe('██░░░');
  expect(line.before).toBe('a-rather-lon… downloading ');
  expect((line.before + line.barDone + line.barLeft + line.after).length).toBeLessThan(79);
  expect(torrentHeader(79)).toHaveLength(79);
});

test('a peer line and a file line', () => {
  const peer = { address: '127.0.0.1:6881', client: 'aria2/1.37.0', flags: 'IEu', direction: 'inbound', downloadRate: 1 << 20, uploadRate: 100, progress: 1 } as const;
  expect(peerLine(peer, 100, { units: 'bits', base: 'decimal' }).trimEnd()).toBe('127.0.0.1:6881        aria2/1.37.0    IEu      8.4 Mbit/s    800 bit/s     100%');
  expect(peerLine(peer, 79, bytes)).toBe('127.0.0.1:6881        aria2/1.37.0    IEu       1.0 MiB/s      100 B/s     100%');
  const file = { index: 0, path: 'folder/file.bin', sizeBytes: 3 * 1024, doneBytes: 1024, pieceCount: 3, piecesHeld: 1, priority: 'high' } as const;
  expect(fileLine(file, 40, bytes)).toBe('folder/file.b…   3.0 KiB    33% high    ');
  expect(fileHeader(40)).toBe('Path                Size   Done Priority');
  expect(fileLine({ ...file, sizeBytes: 0, doneBytes: 0 }, 40, bytes)).toContain('100%');
});

describe('the status line', () => {
  const state = initialState([torrent, summary({ id: 'b', name: 'b', downloadRate: 0, uploadRate: 1024, peers: 0 })]);

  test('shows the keys, then the totals at the right', () => {
    const line = statusText(state, 120, bytes);
    expect(line).toBe('q quit  Tab pane  p pause  r resume  c recheck  d/D remove            2 torrents  down 150 KiB/s  up 21.0 KiB/s  3 peers');
    expect(line).toHaveLength(120);
  });

  test("a command's outcome replaces the keys", () => {
    expect(statusText(withMessage(state, 'paused a'), 100, bytes)).toMatch(/^paused a +2 torrents/);
  });

  test('says when the stream is lost, and when the daemon is away', () => {
    expect(statusText(withConnection(state, 'polling'), 100, bytes)).toMatch(/^event stream lost: polling every second +2 torrents/);
    expect(statusText(withConnection(withMessage(state, 'paused a'), 'reconnecting'), 100, bytes)).toMatch(/^daemon not answering: reconnecting\.\.\. +2 torrents/);
  });

  test('a narrow terminal keeps the left part only', () => {
    expect(statusText(state, 40, bytes)).toBe('q quit  Tab pane  p pause  r resume  c …');
  });
});

test('fit cuts with an ellipsis or pads, to the left or right', () => {
  expect(fit('abcdef', 4)).toBe('abc…');
  expect(fit('ab', 4)).toBe('ab  ');
  expect(fit('ab', 4, true)).toBe('  ab');
  expect(fit('ab', 0)).toBe('');
  expect(cells(10, [['a', 2], ['b', 3, 'right']])).toBe('a    b    ');
});

test("the detail pane's title: what it shows, of which torrent, and the torrent's error", () => {
  const state = initialState([torrent]);
  expect(paneTitle(state)).toBe('Peers of a-rather-long-torrent-name.iso  (Enter/Tab: files)');
  expect(paneTitle(pressKey(state, 'Tab').state)).toBe('Files of a-rather-long-torrent-name.iso  (Enter/Tab: peers)');
  expect(paneTitle(initialState([summary({ id: 'e', name: 'broken', state: 'error', error: 'disk full' })]))).toBe('Peers of broken  (Enter/Tab: files)  error: disk full');
  expect(paneTitle(initialState([]))).toBe('No torrent selected');
});
