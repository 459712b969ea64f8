/** The total length of `buffers`. */
export function totalLength(buffers: readonly Buffer[]): number {
  let total = 0;
  for (const buffer of buffers) total += buffer.length;
  return total;
}

/**
 * `buffers` cut after their first `bytes` bytes: the views before the cut and
 * the views after it (a buffer the cut falls in is split into two views; no
 * byte is copied). `bytes` past the end puts everything before the cut.
 */
export function splitBuffers(buffers: readonly Buffer[], bytes: number): [Buffer[], Buffer[]] {
  const before: Buffer[] = [];
  let left = bytes;
  let at = 0;
  for (; at < buffers.length && left >= buffers[at].length; at++) {
    before.push(buffers[at]);
    left -= buffers[at].length;
  }
  const after = buffers.slice(at);
  if (left > 0 && after.length > 0) {
    before.push(after[0].subarray(0, left));
    after[0] = after[0].subarray(left);
  }
  return [before, after];
}
