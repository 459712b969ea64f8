import { shorten } from '../../launcher/fitTable.js';
import { formatRate } from '../../launcher/format.js';
import { NARROWEST_BAR, WIDEST_BAR, pieceBar } from '../../launcher/progressLine.js';
import { printable } from '../../metainfo/pathSegments.js';
import type { HashProgress } from '../../storage/pieceHashes.js';
import type { TransferSnapshot } from './TransferSnapshot.js';
import { etaText, formatPercent, peersText, piecesText } from './transferFigures.js';

/** A part of the terminal line; on a narrow terminal the lowest `dropRank` goes first. */
interface Part {
  text: string;
  dropRank: number;
}

const GAP = '  ';
/** The name takes a fifth of the line, within these bounds, so the figures keep their room. */
const NAME_MIN = 8;
const NAME_MAX = 24;

/**
 * The terminal's line, redrawn in place:
 * `ubuntu.iso [████░░░░] 120/1221 pieces  9.8%  ↓ 12.3 MiB/s  ↑ 0 B/s  3 peers (1 seed)  ETA 1m 30s`
 * in at most `width` characters (a wrapped line breaks the redrawing): the bar
 * narrows first, then the parts go, least useful first (peers, upload rate,
 * piece count, download rate, ETA, percent; a seed swaps its rates), then the bar.
 */
export function transferLine(s: TransferSnapshot, width: number): string {
  const name = shorten(printable(s.name), Math.max(NAME_MIN, Math.min(NAME_MAX, Math.floor(width / 5))));
  // A seed's upload rate is what its download rate is to a downloader.
  const seeding = s.phase === 'seeding';
  let parts: Part[] = [
    { text: piecesText(s.piecesDone, s.pieceCount), dropRank: 2 },
    { text: formatPercent(s.bytesDone, s.bytesTotal).padStart(5), dropRank: 5 },
    { text: `↓ ${formatRate(s.downloadBytesPerSecond)}`, dropRank: seeding ? 1 : 3 },
    { text: `↑ ${formatRate(s.uploadBytesPerSecond)}`, dropRank: seeding ? 3 : 1 },
    { text: peersText(s), dropRank: 0 },
    // Seeding or stopping has no ETA: the phase takes its place.
    { text: etaText(s) ?? s.phase, dropRank: 4 },
  ];
  const tail = () => parts.map((part) => part.text).join(GAP);
  const roomForBar = () => width - `${name} [] ${tail()}`.length;
  while (roomForBar() < NARROWEST_BAR && parts.length > 0) {
    const first = Math.min(...parts.map((part) => part.dropRank));
    parts = parts.filter((part) => part.dropRank !== first);
  }
  const barWidth = Math.min(WIDEST_BAR, roomForBar());
  const line = barWidth >= NARROWEST_BAR ? `${name} [${pieceBar(s.piecesDone, s.pieceCount, barWidth)}] ${tail()}` : name;
  return shorten(line, width);
}

/** One line for logs and pipes, no bar, no escapes: `downloading ubuntu.iso: 120/1221 pieces (9.8%), 12.3 MiB/s down, 0 B/s up, 3 peers (1 seed), ETA 1m 30s`. */
export function plainTransferLine(s: TransferSnapshot): string {
  const eta = etaText(s);
  return (
    `${s.phase} ${printable(s.name)}: ${s.piecesDone}/${s.pieceCount} pieces (${formatPercent(s.bytesDone, s.bytesTotal)}), ` +
    `${formatRate(s.downloadBytesPerSecond)} down, ${formatRate(s.uploadBytesPerSecond)} up, ${peersText(s)}${eta ? `, ${eta}` : ''}`
  );
}

/** The recheck of the data on disk: `checking: 35.2% (120/340 pieces, 210.0 MiB/s)`, the rate once one is known. */
export function checkingLine(progress: HashProgress, bytesPerSecond?: number): string {
  const rate = bytesPerSecond === undefined ? '' : `, ${formatRate(bytesPerSecond)}`;
  return `checking: ${formatPercent(progress.bytesDone, progress.bytesTotal)} (${progress.piecesDone}/${progress.pieceCount} pieces${rate})`;
}
