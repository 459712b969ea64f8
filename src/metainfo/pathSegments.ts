/**
 * Why `segment` cannot be used as one file or folder name inside the download
 * folder, or undefined when it can. A torrent's name and every segment of its
 * files' paths pass here: `..`, an absolute path or a separator inside a segment
 * would let a hostile .torrent write outside the folder (path traversal).
 */
export function unsafeSegment(segment: string): string | undefined {
  if (segment === '') return 'an empty name';
  if (segment === '.' || segment === '..') return `'${segment}' (path traversal)`;
  if (/^[/\\]/.test(segment) || /^[A-Za-z]:/.test(segment)) return 'an absolute path (path traversal)';
  if (/[/\\]/.test(segment)) return 'a path separator inside one name (path traversal)';
  if (segment.includes('\0')) return 'a NUL byte';
  return undefined;
}

/** A name as messages show it: quoted, control characters escaped. */
export function quoted(text: string): string {
  return `'${printable(text)}'`;
}

/** Control characters escaped (`\x1b`), so that a hostile name printed cannot rewrite the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * The form under which two paths are one file on a case-insensitive file
 * system (Windows, macOS): letter case ignored, and Unicode composed the same
 * way (macOS stores 'é' decomposed, so the composed and decomposed spellings
 * name one file there).
 */
export function foldedPath(segments: readonly string[]): string {
  return segments.map((segment) => segment.normalize('NFC').toLowerCase()).join('/');
}
