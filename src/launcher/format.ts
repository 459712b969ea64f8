import { fitTable } from './fitTable.js';

/** Human-readable figures for the launcher's progress lines and summary table. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A rate in bytes per second, whole bytes (`0 B/s`, `12.3 MiB/s`). */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/**
 * A duration for people, in whole seconds rounded up (an ETA of 0.2 s is not
 * `0s`), to two units at most: `45s`, `1m 30s`, `2h 05m`, `3d 4h`.
 */
export function formatDuration(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  const [days, hours, minutes] = [Math.floor(seconds / 86_400), Math.floor(seconds / 3_600) % 24, Math.floor(seconds / 60) % 60];
  const twoDigits = (n: number) => String(n).padStart(2, '0');
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${twoDigits(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${twoDigits(seconds % 60)}s`;
  return `${seconds}s`;
}

/** Left-aligned text columns, with a rule under the header. */
export function table(header: string[], rows: string[][]): string {
  return fitTable(
    header.map((h) => ({ header: h })),
    rows,
    Infinity,
  ).lines.join('\n');
}
