import * as fs from 'fs';
import * as path from 'path';
import { debugLogPath, REPEAT_PREFIX } from '../log/DiagnosticLog.js';
import { parseLogTime } from '../log/logTime.js';
import type { PeerLog } from '../logcheck/checkLogs.js';
import { resolutionOf } from './timeResolution.js';

/** One peer's `log_peer_<id>.debug.log` (our peers write it beside the protocol log). */
export interface DebugLog {
  peerId: number;
  file: string;
  lines: string[];
}

export interface Repeat {
  ms: number;
  sentence: string;
}

/** The run's choking parameters, as the peer read them from Common.cfg. */
export interface ChokingConfig {
  k: number;
  unchokingIntervalMs: number;
  optimisticUnchokingIntervalMs: number;
}

/** What the report takes from a debug log. */
export interface DebugFacts {
  peerId: number;
  file: string;
  /** The first line's time: the peer's start. */
  startMs?: number;
  /** How finely the debug log writes its times. */
  resolutionMs: number;
  config?: ChokingConfig;
  repeats: Repeat[];
}

/** The debug log beside each protocol log, when there (another implementation writes none). */
export function readDebugLogsBeside(logs: readonly PeerLog[]): DebugLog[] {
  return logs.flatMap((log) => {
    const file = debugLogPath(path.dirname(log.file), log.peerId);
    return fs.existsSync(file) ? [{ peerId: log.peerId, file, lines: fs.readFileSync(file, 'utf8').split(/\r?\n/) }] : [];
  });
}

/** `<time> [<id>] <level>: <message>`, as DiagnosticLog writes it. */
const LINE = /^(.+?) \[\d+\] (?:error|warn|info|debug): (.*)$/;

export function debugFactsOf(log: DebugLog): DebugFacts {
  const facts: DebugFacts = { peerId: log.peerId, file: log.file, resolutionMs: 1000, repeats: [] };
  for (const text of log.lines) {
    const parts = LINE.exec(text.trimEnd());
    const ms = parts ? parseLogTime(parts[1]) : NaN;
    if (!parts || Number.isNaN(ms)) continue;
    if (facts.startMs === undefined) {
      facts.startMs = ms;
      facts.resolutionMs = resolutionOf(parts[1]);
    }
    const message = parts[2];
    if (message.startsWith(REPEAT_PREFIX)) facts.repeats.push({ ms, sentence: message.slice(REPEAT_PREFIX.length) });
    else facts.config ??= chokingConfigOf(message);
  }
  return facts;
}

/** From the start-up line "config read from DIR: NumberOfPreferredNeighbors=2 UnchokingInterval=5s OptimisticUnchokingInterval=15s ...". */
function chokingConfigOf(message: string): ChokingConfig | undefined {
  if (!message.startsWith('config read from ')) return undefined;
  const k = /\bNumberOfPreferredNeighbors=(\d+)/.exec(message);
  const p = /\bUnchokingInterval=([\d.]+)s\b/.exec(message);
  const m = /\bOptimisticUnchokingInterval=([\d.]+)s\b/.exec(message);
  if (!k || !p || !m) return undefined;
  return { k: Number(k[1]), unchokingIntervalMs: Number(p[1]) * 1000, optimisticUnchokingIntervalMs: Number(m[1]) * 1000 };
}
