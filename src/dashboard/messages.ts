import { parseRate } from '../config/values.js';
import type { PeerStatus } from '../node/PeerStatus.js';
import type { PeerLifecycle } from '../launcher/SwarmControl.js';

/** What the page shows in its header; fixed for the run. */
export interface DashboardFacts {
  title: string;
  fileName: string;
  fileSize: number;
  pieceCount: number;
  /** k, p and m of Common.cfg. */
  preferredNeighbours: number;
  unchokingIntervalSeconds: number;
  optimisticIntervalSeconds: number;
}

/** One peer as the page first sees it. */
export interface PeerView {
  peerId: number;
  hasFile: boolean;
  port: number;
  lifecycle: PeerLifecycle;
  status?: PeerStatus;
}

export interface LogEntry {
  peerId: number;
  line: string;
}

/** How the run ended, once it has: the page then shows it and disables every control. */
export interface RunEnd {
  allFinished: boolean;
  summary: string;
}

/** Server to page, one JSON text frame each. */
export type ServerMessage =
  /** `ended`: present when the page connects after the run has ended. */
  | { type: 'snapshot'; facts: DashboardFacts; peers: PeerView[]; log: LogEntry[]; ended?: RunEnd }
  | { type: 'status'; statuses: PeerStatus[] }
  /** `dropped`: lines left out since the last batch (the peer's own drops, or this client falling behind). */
  | { type: 'log'; entries: LogEntry[]; dropped: number }
  | { type: 'lifecycle'; peerId: number; state: PeerLifecycle; detail: string }
  | ({ type: 'ended' } & RunEnd)
  | { type: 'result'; id: number; ok: true }
  | { type: 'error'; id?: number; message: string };

export const ACTIONS = ['pause', 'resume', 'kill', 'restart', 'set-limits'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Page to server. Rates travel as the text the user typed ("500KiB/s", empty
 * for unlimited) and are parsed here, with the same units as the command line.
 */
export type CommandRequest =
  | { id: number; peerId: number; action: Exclude<Action, 'set-limits'> }
  | { id: number; peerId: number; action: 'set-limits'; uploadBytesPerSecond?: number; downloadBytesPerSecond?: number };

/** Longer than any rate anyone types; anything beyond is refused unread. */
const MAX_RATE_TEXT = 32;
const KEYS_OF: Record<Action, readonly string[]> = {
  pause: [],
  resume: [],
  kill: [],
  restart: [],
  'set-limits': ['upload', 'download'],
};

/** A request the page sent that cannot be carried out; `id` when the request had a usable one. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly id?: number,
  ) {
    super(message);
  }
}

/**
 * Parses one text frame from a page: `{type: 'command', id, peerId, action}`,
 * plus `upload` and `download` rate texts for set-limits. Strict: unknown keys,
 * wrong types, unknown peers and unreadable rates throw a RequestError whose
 * message the page shows.
 */
export function parseRequest(text: string, isKnownPeer: (peerId: number) => boolean): CommandRequest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new RequestError('not JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new RequestError('expected a JSON object');
  const fields = data as Record<string, unknown>;
  const id = fields.id;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw new RequestError('id must be a whole number, 0 or more');
  const problem = (text: string) => new RequestError(text, id);
  if (fields.type !== 'command') throw problem(`unknown message type ${JSON.stringify(fields.type)}`);
  const action = ACTIONS.find((known) => known === fields.action);
  if (!action) throw problem(`unknown action ${JSON.stringify(fields.action)}; expected one of ${ACTIONS.join(', ')}`);
  const extra = Object.keys(fields).filter((key) => !['type', 'id', 'peerId', 'action', ...KEYS_OF[action]].includes(key));
  if (extra.length > 0) throw problem(`unexpected field ${extra.join(', ')} for ${action}`);
  const peerId = fields.peerId;
  if (typeof peerId !== 'number' || !isKnownPeer(peerId)) throw problem(`unknown peer ${JSON.stringify(peerId)}`);
  if (action !== 'set-limits') return { id, peerId, action };
  return {
    id,
    peerId,
    action,
    uploadBytesPerSecond: readRate(fields.upload, 'upload', problem),
    downloadBytesPerSecond: readRate(fields.download, 'download', problem),
  };
}

/** "" or a missing key: unlimited. */
function readRate(value: unknown, name: string, problem: (text: string) => RequestError): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > MAX_RATE_TEXT) throw problem(`${name} rate must be text like 500KiB/s`);
  if (value.trim() === '') return undefined;
  const rate = parseRate(value);
  if (rate === undefined) throw problem(`bad ${name} rate '${value}': expected e.g. 500KiB/s or 2MB/s, empty for unlimited`);
  return rate;
}
