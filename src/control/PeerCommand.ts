import { parseRate } from '../config/values.js';
import type { RateLimitSettings } from '../node/RateLimits.js';

/** Rate limit changes: bytes per second, null for unlimited; keys left out stay as they are. */
export type LimitChanges = { [K in keyof RateLimitSettings]?: number | null };

/**
 * What the control interface can ask of a running peer:
 * - pause: disconnect from every neighbour and stop dialling and listening, keeping the pieces;
 * - resume: listen and dial again; the neighbours' bitfields say what is still needed;
 * - set-limits: change some rate limits;
 * - stop: close every connection and exit, as if interrupted.
 */
export type PeerCommand = { kind: 'pause' } | { kind: 'resume' } | { kind: 'stop' } | { kind: 'set-limits'; limits: LimitChanges };

const LIMIT_KEYS: readonly (keyof RateLimitSettings)[] = ['uploadBytesPerSecond', 'downloadBytesPerSecond', 'neighbourUploadBytesPerSecond', 'neighbourDownloadBytesPerSecond'];

/**
 * Checks a command that came from outside (HTTP body, IPC, the dashboard).
 * Rates may be numbers (bytes per second) or text with units ("2MiB/s");
 * null or "" means unlimited. Throws an Error saying what is wrong.
 */
export function parsePeerCommand(value: unknown): PeerCommand {
  if (typeof value !== 'object' || value === null) throw new Error('a command is a JSON object such as {"kind":"pause"}');
  const { kind, limits } = value as { kind?: unknown; limits?: unknown };
  if (kind === 'pause' || kind === 'resume' || kind === 'stop') return { kind };
  if (kind !== 'set-limits') throw new Error(`unknown command kind ${JSON.stringify(kind)}: use pause, resume, stop or set-limits`);
  if (typeof limits !== 'object' || limits === null) throw new Error('set-limits needs "limits": {"uploadBytesPerSecond": "2MiB/s", ...}');
  const changes: LimitChanges = {};
  for (const [key, raw] of Object.entries(limits)) {
    if (!(LIMIT_KEYS as readonly string[]).includes(key)) throw new Error(`unknown limit ${JSON.stringify(key)}: use ${LIMIT_KEYS.join(', ')}`);
    changes[key as keyof RateLimitSettings] = parseLimit(key, raw);
  }
  return { kind: 'set-limits', limits: changes };
}

function parseLimit(key: string, raw: unknown): number | null {
  if (raw === null || raw === '') return null;
  const rate = typeof raw === 'number' ? (Number.isInteger(raw) && raw >= 1 ? raw : undefined) : typeof raw === 'string' ? parseRate(raw) : undefined;
  if (rate === undefined) throw new Error(`${key}: ${JSON.stringify(raw)} is not a rate (a whole number of bytes per second, or text such as 2MiB/s or 500KB/s)`);
  return rate;
}

/** The limits after applying changes to the current ones. */
export function applyLimitChanges(current: RateLimitSettings, changes: LimitChanges): RateLimitSettings {
  const next: RateLimitSettings = { ...current };
  for (const key of LIMIT_KEYS) {
    const change = changes[key];
    if (change === null) delete next[key];
    else if (change !== undefined) next[key] = change;
  }
  return next;
}
