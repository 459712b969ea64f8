import { formatDuration } from '../../launcher/format.js';
import type { TransferSnapshot } from './TransferSnapshot.js';

/**
 * `9.8%`, one decimal, rounded down so that `100%` means complete and nothing
 * less; an empty total is complete.
 */
export function formatPercent(done: number, total: number): string {
  if (done >= total) return '100%';
  return `${(Math.floor((1000 * done) / total) / 10).toFixed(1)}%`;
}

/** `120/1221 pieces`, the count padded to the total's width so the line does not jitter as it grows. */
export function piecesText(done: number, total: number): string {
  return `${String(done).padStart(String(total).length)}/${total} pieces`;
}

/** `3 peers (1 seed)` */
export function peersText(s: TransferSnapshot): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(s.peersConnected, 'peer')} (${plural(s.seedsConnected, 'seed')})`;
}

/** `ETA 1m 30s` from the download rate, `ETA --` while there is none; undefined outside the download. */
export function etaText(s: TransferSnapshot): string | undefined {
  if (s.phase !== 'downloading') return undefined;
  const left = Math.max(0, s.bytesTotal - s.bytesDone);
  if (left === 0) return `ETA ${formatDuration(0)}`;
  return s.downloadBytesPerSecond > 0 ? `ETA ${formatDuration((1000 * left) / s.downloadBytesPerSecond)}` : 'ETA --';
}
