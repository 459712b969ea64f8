/** What a stream says of itself (process.stdout's fields). */
export interface OutputStream {
  isTTY?: boolean;
  columns?: number;
}

/** A terminal that does not say its width. */
const DEFAULT_TERMINAL_WIDTH = 80;

/**
 * How wide the launcher's output may be: COLUMNS when set (the user's say, as
 * for most Unix tools), else the terminal's width; no limit for a pipe or a
 * file (CI logs), which do not wrap.
 */
export function outputWidth(stream: OutputStream, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.COLUMNS);
  if (env.COLUMNS && Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  if (!stream.isTTY) return Infinity;
  return stream.columns || DEFAULT_TERMINAL_WIDTH;
}
