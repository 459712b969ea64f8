import type { AddOptions, AddSource } from '../DaemonControl.js';
import { ApiHttpError } from './ApiHttpError.js';
import { FILE_PRIORITIES, type FilePriority, type SettingsPatch, type TorrentPatch } from './contract.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The JSON AddRequest as what the daemon is asked to add; each problem a 400 that names the field. */
export function parseAddRequest(body: Record<string, unknown>): { source: AddSource; options: AddOptions } {
  refuseUnknownFields(body, ['torrent', 'magnet', 'url', 'dir', 'paused']);
  const given = (['torrent', 'magnet', 'url'] as const).filter((field) => body[field] !== undefined);
  if (given.length !== 1) {
    throw new ApiHttpError(400, given.length === 0 ? 'name the torrent: give one of torrent (base64), magnet or url' : `give only one of torrent, magnet and url, not ${given.join(' and ')}`);
  }
  return { source: addSource(given[0], stringField(body, given[0])!), options: addOptions(stringField(body, 'dir'), optionalBoolean(body, 'paused')) };
}

function addSource(field: 'torrent' | 'magnet' | 'url', value: string): AddSource {
  if (field === 'torrent') {
    const compact = value.replace(/\s+/g, '');
    if (compact === '' || !BASE64.test(compact)) throw new ApiHttpError(400, "torrent must be the .torrent file's bytes in base64");
    return { kind: 'torrent', bytes: Buffer.from(compact, 'base64') };
  }
  if (field === 'magnet') {
    if (!/^magnet:\?/i.test(value)) throw new ApiHttpError(400, `magnet must be a magnet link (magnet:?xt=urn:btih:...), not ${JSON.stringify(value.slice(0, 60))}`);
    return { kind: 'magnet', link: value };
  }
  if (!/^https?:\/\//i.test(value)) throw new ApiHttpError(400, `url must be an http:// or https:// URL of a .torrent, not ${JSON.stringify(value.slice(0, 60))}`);
  return { kind: 'url', url: value };
}

/** ?dir=&paused= of a raw application/x-bittorrent add. */
export function parseAddQuery(query: URLSearchParams): AddOptions {
  return addOptions(query.get('dir') ?? undefined, booleanParameter(query, 'paused'));
}

function addOptions(dir: string | undefined, paused: boolean | undefined): AddOptions {
  const options: AddOptions = {};
  if (dir !== undefined) {
    if (dir === '') throw new ApiHttpError(400, 'dir is empty: name a folder, or leave it out for the download folder');
    options.dir = dir;
  }
  if (paused !== undefined) options.paused = paused;
  return options;
}

/** ?name=true|false (absent: undefined); anything else is a 400. */
export function booleanParameter(query: URLSearchParams, name: string): boolean | undefined {
  const value = query.get(name);
  if (value === null) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ApiHttpError(400, `?${name}= must be true or false, not ${JSON.stringify(value)}`);
}

/** The PATCH /settings body, checked field by field. */
export function parseSettingsPatch(body: Record<string, unknown>): SettingsPatch {
  refuseUnknownFields(body, ['downloadDir', 'peerPort', 'limits', 'peerLimits', 'firstRun']);
  const patch: SettingsPatch = {};
  const downloadDir = stringField(body, 'downloadDir');
  if (downloadDir !== undefined) patch.downloadDir = downloadDir;
  if (body.peerPort !== undefined) {
    const port = body.peerPort;
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) throw new ApiHttpError(400, `peerPort must be a port number from 1 to 65535, not ${JSON.stringify(port)}`);
    patch.peerPort = port as number;
  }
  if (body.limits !== undefined) patch.limits = parseLimits(body.limits);
  if (body.peerLimits !== undefined) patch.peerLimits = parseLimits(body.peerLimits, 'peerLimits');
  if (body.firstRun !== undefined) {
    if (body.firstRun !== false) throw new ApiHttpError(400, 'firstRun can only be set to false (the first-run screen is done)');
    patch.firstRun = false;
  }
  return patch;
}

/** The PATCH /torrents/:id body. */
export function parseTorrentPatch(body: Record<string, unknown>): TorrentPatch {
  refuseUnknownFields(body, ['limits', 'files', 'firstAndLastFirst']);
  const patch: TorrentPatch = {};
  if (body.limits !== undefined) patch.limits = parseLimits(body.limits);
  if (body.files !== undefined) patch.files = parseFilePriorities(body.files);
  if (body.firstAndLastFirst !== undefined) {
    if (typeof body.firstAndLastFirst !== 'boolean') throw new ApiHttpError(400, 'firstAndLastFirst must be true or false');
    patch.firstAndLastFirst = body.firstAndLastFirst;
  }
  return patch;
}

function parseFilePriorities(value: unknown): NonNullable<TorrentPatch['files']> {
  const shape = 'files must be a list of {"index": N, "priority": "skip"|"low"|"normal"|"high"}';
  if (!Array.isArray(value)) throw new ApiHttpError(400, shape);
  return value.map((entry: unknown, position) => {
    const file = entry as { index?: unknown; priority?: unknown } | null;
    if (typeof file !== 'object' || file === null || !Number.isInteger(file.index) || (file.index as number) < 0 || !FILE_PRIORITIES.includes(file.priority as FilePriority)) {
      throw new ApiHttpError(400, `files[${position}]: ${shape}`);
    }
    refuseUnknownFields(file as Record<string, unknown>, ['index', 'priority'], `files[${position}].`);
    return { index: file.index as number, priority: file.priority as FilePriority };
  });
}

function parseLimits(value: unknown, name = 'limits'): SettingsPatch['limits'] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiHttpError(400, `${name} must be an object: {"downloadRate": N|null, "uploadRate": N|null}`);
  const limits = value as Record<string, unknown>;
  refuseUnknownFields(limits, ['downloadRate', 'uploadRate'], `${name}.`);
  const parsed: NonNullable<SettingsPatch['limits']> = {};
  for (const field of ['downloadRate', 'uploadRate'] as const) {
    const rate = limits[field];
    if (rate === undefined) continue;
    if (rate !== null && !(typeof rate === 'number' && Number.isInteger(rate) && rate > 0)) {
      throw new ApiHttpError(400, `${name}.${field} must be a whole number of bytes per second above 0, or null for no limit`);
    }
    parsed[field] = rate;
  }
  return parsed;
}

function refuseUnknownFields(body: Record<string, unknown>, known: readonly string[], prefix = ''): void {
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new ApiHttpError(400, `unknown field ${prefix}${unknown[0]} (known: ${known.map((k) => prefix + k).join(', ')})`);
}

function stringField(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value !== undefined && typeof value !== 'string') throw new ApiHttpError(400, `${field} must be a string`);
  return value;
}

function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value !== undefined && typeof value !== 'boolean') throw new ApiHttpError(400, `${field} must be true or false`);
  return value;
}
