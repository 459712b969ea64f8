import type { TorrentFile, TorrentPeer, TorrentSummary } from '../daemon/api/contract.js';
import { selected, type TopState } from './model.js';
import { formatRate, formatSize, type UnitOptions } from './units.js';

/**
 * The screen's lines as text, fitted to the terminal's width: the view only
 * colours them. The progress bar is a separate piece so it can have its own colours.
 */
export interface TorrentLine {
  before: string;
  barDone: string;
  barLeft: string;
  after: string;
}

const GAP = ' ';

type Cell = [text: string, width: number, align?: 'right'];

const TORRENT_COLUMNS = { state: 11, percent: 4, size: 8, rate: 12, peers: 6 };
const TORRENT_FIXED = TORRENT_COLUMNS.state + TORRENT_COLUMNS.percent + TORRENT_COLUMNS.size + 2 * TORRENT_COLUMNS.rate + TORRENT_COLUMNS.peers + 7 * GAP.length;

/** A shorter bar in a narrow terminal (80 columns), so the names keep some room. */
function barWidth(width: number): number {
  return width >= 100 ? 10 : 5;
}

export function torrentHeader(width: number): string {
  const c = TORRENT_COLUMNS;
  return cells(width, [['Name', nameWidth(width)], ['State', c.state], ['Progress', barWidth(width) + GAP.length + c.percent], ['Size', c.size, 'right'], ['Down', c.rate, 'right'], ['Up', c.rate, 'right'], ['Peers', c.peers, 'right']]);
}

export function torrentLine(torrent: TorrentSummary, width: number, units: UnitOptions): TorrentLine {
  const c = TORRENT_COLUMNS;
  const bar = barWidth(width);
  const done = Math.round(Math.min(Math.max(torrent.progress, 0), 1) * bar);
  return {
    before: cells(0, [[torrent.name, nameWidth(width)], [torrent.state, c.state]]) + GAP,
    barDone: '█'.repeat(done),
    barLeft: '░'.repeat(bar - done),
    after:
      GAP +
      cells(0, [
        [`${Math.floor(torrent.progress * 100)}%`, c.percent, 'right'],
        [torrent.sizeBytes === null ? '?' : formatSize(torrent.sizeBytes, units.base), c.size, 'right'],
        [formatRate(torrent.downloadRate, units), c.rate, 'right'],
        [formatRate(torrent.uploadRate, units), c.rate, 'right'],
        [`${torrent.peers}(${torrent.seeds})`, c.peers, 'right'],
      ]),
  };
}

const PEER_COLUMNS: Cell[] = [['Address', 21], ['Client', 15], ['Flags', 6], ['Down', 12, 'right'], ['Up', 12, 'right'], ['Progress', 8, 'right']];

export function peerHeader(width: number): string {
  return cells(width, PEER_COLUMNS);
}

export function peerLine(peer: TorrentPeer, width: number, units: UnitOptions): string {
  const values = [peer.address, peer.client, peer.flags, formatRate(peer.downloadRate, units), formatRate(peer.uploadRate, units), `${Math.floor(peer.progress * 100)}%`];
  return cells(width, PEER_COLUMNS.map(([, size, align], i) => [values[i], size, align]));
}

const FILE_FIXED: Cell[] = [['Size', 9, 'right'], ['Done', 6, 'right'], ['Priority', 8]];

export function fileHeader(width: number): string {
  return cells(width, [['Path', fileNameWidth(width)], ...FILE_FIXED]);
}

export function fileLine(file: TorrentFile, width: number, units: UnitOptions): string {
  const done = file.sizeBytes === 0 ? 100 : Math.floor((file.doneBytes / file.sizeBytes) * 100);
  const values = [formatSize(file.sizeBytes, units.base), `${done}%`, file.priority];
  return cells(width, [[file.path, fileNameWidth(width)], ...FILE_FIXED.map(([, size, align], i): Cell => [values[i], size, align])]);
}

/** Above the detail pane: what it shows, of which torrent, how to switch, and the torrent's error if it has one. */
export function paneTitle(state: TopState): string {
  const torrent = selected(state);
  if (!torrent) return 'No torrent selected';
  const [shown, other] = state.pane === 'peers' ? ['Peers', 'files'] : ['Files', 'peers'];
  return `${shown} of ${torrent.name}  (Enter/Tab: ${other})${torrent.error ? `  error: ${torrent.error}` : ''}`;
}

/** Totals of the list, for the right of the status line. */
export function totalsText(torrents: TorrentSummary[], units: UnitOptions): string {
  const down = torrents.reduce((sum, t) => sum + t.downloadRate, 0);
  const up = torrents.reduce((sum, t) => sum + t.uploadRate, 0);
  const peers = torrents.reduce((sum, t) => sum + t.peers, 0);
  return `${torrents.length} torrent${torrents.length === 1 ? '' : 's'}  down ${formatRate(down, units)}  up ${formatRate(up, units)}  ${peers} peers`;
}

/** The status line: the last message (or the connection's trouble) on the left, the totals on the right. */
export function statusText(state: TopState, width: number, units: UnitOptions): string {
  const left = state.connection === 'reconnecting' ? 'daemon not answering: reconnecting...' : (state.message?.text ?? (state.connection === 'polling' ? 'event stream lost: polling every second' : 'q quit  Tab pane  p pause  r resume  c recheck  d/D remove'));
  const right = totalsText(state.torrents, units);
  const room = width - right.length - 2;
  return room < 10 ? fit(left, width) : `${fit(left, room)}  ${right}`;
}

/** A line `width` wide (0: just the cells), each cell cut or padded to its width. */
export function cells(width: number, row: Cell[]): string {
  const line = row.map(([text, size, align]) => (align === 'right' ? fit(text, size, true) : fit(text, size))).join(GAP);
  return width > 0 ? fit(line, width) : line;
}

/** Cut (with …) or padded to exactly `width` characters. */
export function fit(text: string, width: number, right = false): string {
  if (width <= 0) return '';
  const cut = text.length > width ? text.slice(0, width - 1) + '…' : text;
  return right ? cut.padStart(width) : cut.padEnd(width);
}

function nameWidth(width: number): number {
  return Math.max(8, width - TORRENT_FIXED - barWidth(width) - GAP.length);
}

function fileNameWidth(width: number): number {
  return Math.max(8, width - FILE_FIXED.reduce((sum, [, size]) => sum + size + GAP.length, 0));
}
