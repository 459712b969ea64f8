import { promises as fs } from 'fs';
import { replaceAtomically } from '../storage/atomicFile.js';
import { FILE_PRIORITIES, type FilePriority } from './api/contract.js';
import type { TorrentLimits } from './TorrentRateLimits.js';

/** What the daemon keeps of one torrent across restarts (its pieces are in its resume state, its metadata in its .torrent copy). */
export interface TorrentRecord {
  /** Lower-case hex. */
  infoHash: string;
  /** The magnet link it was added by, kept until its metadata is saved; its trackers and peers are used to fetch it. */
  magnet?: string;
  dir: string;
  paused: boolean;
  addedAtMs: number;
  /** Why it stopped with an error; resume clears it. */
  error?: string;
  /** Its own rate limits, when it has any. */
  limits?: TorrentLimits;
  /** Each file's priority, by index, when some is not `normal`. */
  priorities?: FilePriority[];
  firstAndLastFirst?: boolean;
}

export interface DaemonSettings {
  downloadDir: string;
  /** The peer port from the next start when `--port` is not given; null: the default. */
  peerPort: number | null;
  /** Bytes per second; null: no limit. */
  downloadRate: number | null;
  uploadRate: number | null;
  /** Each connection's own limits. */
  peerDownloadRate: number | null;
  peerUploadRate: number | null;
  /** Until the user has confirmed the download folder and port. */
  firstRun: boolean;
}

export interface SessionState {
  settings: DaemonSettings;
  torrents: TorrentRecord[];
}

const FORMAT = 'swarmlab-session';
const VERSION = 1;

/** A session file that cannot be used: the daemon says which file and why, and does not start (rather than forget torrents). */
export class SessionFileError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'SessionFileError';
  }
}

/** The session at `file`; `fresh` when there is none yet (a first start). */
export async function readSessionFile(file: string, fresh: () => SessionState): Promise<SessionState> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fresh();
    throw new SessionFileError(file, `cannot be read (${(error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SessionFileError(file, `is not valid JSON (${(error as Error).message})`);
  }
  return sessionFrom(file, parsed, fresh().settings);
}

/** Replaces the session file atomically (atomicFile.ts): a full disk leaves the old one whole. */
export function writeSessionFile(file: string, state: SessionState): Promise<void> {
  return replaceAtomically(file, `${JSON.stringify({ format: FORMAT, version: VERSION, ...state }, null, 1)}\n`);
}

function sessionFrom(file: string, parsed: unknown, defaults: DaemonSettings): SessionState {
  const bad = (problem: string) => new SessionFileError(file, problem);
  const value = parsed as { format?: unknown; version?: unknown; settings?: Partial<DaemonSettings>; torrents?: unknown } | null;
  if (value?.format !== FORMAT || value.version !== VERSION) throw bad(`is not a swarmlab session file of version ${VERSION} (format "${String(value?.format)}", version ${String(value?.version)})`);
  if (!Array.isArray(value.torrents)) throw bad('has no "torrents" list');
  const settings = { ...defaults, ...value.settings };
  if (typeof settings.downloadDir !== 'string') throw bad('settings.downloadDir is not a string');
  for (const key of ['downloadRate', 'uploadRate', 'peerDownloadRate', 'peerUploadRate'] as const) {
    if (!isRate(settings[key])) throw bad(`settings.${key} is neither null nor a positive number`);
  }
  if (settings.peerPort !== null && !isPort(settings.peerPort)) throw bad('settings.peerPort is neither null nor a port number (1-65535)');
  const torrents = value.torrents.map((entry: unknown, index: number) => recordFrom(entry, (problem) => bad(`torrents[${index}]: ${problem}`)));
  return { settings: { ...settings, firstRun: settings.firstRun === true }, torrents };
}

function recordFrom(entry: unknown, bad: (problem: string) => Error): TorrentRecord {
  const record = entry as Partial<TorrentRecord> | null;
  if (typeof record?.infoHash !== 'string' || !/^[0-9a-f]{40}$/.test(record.infoHash)) throw bad('infoHash is not 40 lower-case hex digits');
  if (typeof record.dir !== 'string' || record.dir === '') throw bad('dir is not a folder');
  if (typeof record.paused !== 'boolean') throw bad('paused is not true or false');
  if (typeof record.addedAtMs !== 'number') throw bad('addedAtMs is not a number');
  if (record.magnet !== undefined && typeof record.magnet !== 'string') throw bad('magnet is not a string');
  if (record.error !== undefined && typeof record.error !== 'string') throw bad('error is not a string');
  const { limits, priorities } = record;
  if (limits !== undefined && !(isRate(limits?.downloadRate) && isRate(limits?.uploadRate))) throw bad('limits are not {"downloadRate": N|null, "uploadRate": N|null}');
  if (priorities !== undefined && !(Array.isArray(priorities) && priorities.every(isPriority))) throw bad(`priorities are not a list of ${FILE_PRIORITIES.join(', ')}`);
  return {
    infoHash: record.infoHash,
    dir: record.dir,
    paused: record.paused,
    addedAtMs: record.addedAtMs,
    ...(record.magnet ? { magnet: record.magnet } : {}),
    ...(record.error ? { error: record.error } : {}),
    ...(limits ? { limits: { downloadRate: limits.downloadRate, uploadRate: limits.uploadRate } } : {}),
    ...(priorities ? { priorities: [...priorities] } : {}),
    ...(record.firstAndLastFirst === true ? { firstAndLastFirst: true } : {}),
  };
}

export function isPriority(value: unknown): value is FilePriority {
  return FILE_PRIORITIES.includes(value as FilePriority);
}

/** A rate limit as kept: null (none) or a positive number of bytes per second. */
export function isRate(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && value > 0 && Number.isFinite(value));
}

export function isPort(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 65535;
}
