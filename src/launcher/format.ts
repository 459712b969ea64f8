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

/** Left-aligned text columns, with a rule under the header. */
export function table(header: string[], rows: string[][]): string {
  return fitTable(
    header.map((h) => ({ header: h })),
    rows,
    Infinity,
  ).lines.join('\n');
}
