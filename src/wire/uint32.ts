/** The largest value of a 4-byte big-endian field (lengths, indices, peer IDs). */
export const UINT32_MAX = 0xffffffff;

export function isUint32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= UINT32_MAX;
}

/** A caller bug (not a peer's): encoding a value that does not fit 4 bytes. */
export function assertUint32(value: number, what: string): void {
  assertIntegerIn(value, 0, UINT32_MAX, what);
}

/** A caller bug (not a peer's): encoding a value that does not fit its field. */
export function assertIntegerIn(value: number, min: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${what} must be an integer in ${min}..${max}, got ${value}`);
}
