// Strict readers for numeric values. Number() alone is too forgiving for config
// files: it accepts '', '0x10', '1e3' and ' 5 ', any of which is more likely a
// typo than what the author meant.

const DIGITS = /^[0-9]+$/;
const DECIMAL = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;

/** A whole number written as plain digits, within [min, max]; otherwise undefined. */
export function parseIntegerInRange(text: string, min: number, max: number): number | undefined {
  if (!DIGITS.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

/** A non-negative decimal such as '5', '0.5' or '.25' (no sign, exponent or unit); otherwise undefined. */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

const RATE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };

/**
 * A rate in bytes per second from text like `2MiB/s`, `500KB/s`, `750kib`,
 * `1000` (bytes): decimal (KB, MB, GB) or binary (KiB, MiB, GiB) units, case
 * ignored, `/s` optional. Undefined when malformed or not positive.
 */
export function parseRate(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)(?:\/s)?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = RATE_UNITS[match[2].toLowerCase()];
  const rate = Number(match[1]) * (unit ?? NaN);
  return Number.isFinite(rate) && rate >= 1 ? Math.round(rate) : undefined;
}
