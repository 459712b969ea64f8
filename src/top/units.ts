/** How `swarmlab top` shows rates: bytes or bits per second, with binary (KiB, 1024) or decimal (kB, 1000) prefixes. */
export type RateUnit = 'bytes' | 'bits';
export type UnitBase = 'binary' | 'decimal';

export interface UnitOptions {
  units: RateUnit;
  base: UnitBase;
}

const BINARY_PREFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
const DECIMAL_PREFIXES = ['', 'k', 'M', 'G', 'T', 'P'];

/** A size in bytes: "512 B", "1.5 MiB" (binary) or "1.6 MB" (decimal). */
export function formatSize(bytes: number, base: UnitBase): string {
  return scaled(bytes, base, 'B');
}

/** A rate given in bytes per second, shown in the user's units: "1.5 MiB/s", "12.6 Mbit/s". */
export function formatRate(bytesPerSecond: number, options: UnitOptions): string {
  return options.units === 'bits' ? `${scaled(bytesPerSecond * 8, options.base, 'bit')}/s` : `${scaled(bytesPerSecond, options.base, 'B')}/s`;
}

/** Whole numbers below one step; then one decimal below 100 and none above, so a column stays narrow. */
function scaled(value: number, base: UnitBase, unit: string): string {
  const step = base === 'binary' ? 1024 : 1000;
  const prefixes = base === 'binary' ? BINARY_PREFIXES : DECIMAL_PREFIXES;
  let amount = Math.max(0, value);
  let index = 0;
  while (amount >= step && index < prefixes.length - 1) {
    amount /= step;
    index++;
  }
  if (index === 0) return `${Math.round(amount)} ${unit}`;
  return `${amount < 100 ? amount.toFixed(1) : Math.round(amount)} ${prefixes[index]}${unit}`;
}
