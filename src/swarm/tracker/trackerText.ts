/** A tracker's text for our diagnostics: one line, bounded, no control characters (C0, DEL and C1: \u009b starts a terminal escape too). */
export function printable(value: unknown): string {
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}
