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
