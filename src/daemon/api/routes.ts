import type { Clock } from '../../common/Clock.js';
import type { DaemonControl } from '../DaemonControl.js';
import { ApiHttpError } from './ApiHttpError.js';
import { streamEvents } from './eventStream.js';
import { streamFile } from './fileRoute.js';
import { parseJsonObject } from './requestBody.js';
import { booleanParameter, parseAddQuery, parseAddRequest, parseSettingsPatch, parseTorrentPatch } from './requestShapes.js';
import type { ApiReply, ApiRequest, Route } from './router.js';

const RAW_TORRENT_TYPE = 'application/x-bittorrent';

/** Every route of the API (contract.ts, openapi.yaml), over the daemon. */
export function apiRoutes(daemon: DaemonControl, clock: Clock): Route[] {
  const ok = (json: unknown): ApiReply => ({ status: 200, json });
  const action = (name: 'pause' | 'resume' | 'recheck'): Route => ({
    method: 'POST',
    path: `/torrents/:id/${name}`,
    handle: async ({ params }) => ok({ torrent: await daemon[name](params.id) }),
  });
  return [
    { method: 'GET', path: '/info', handle: () => ok(daemon.info()) },
    { method: 'PATCH', path: '/settings', handle: async (request) => ok(await daemon.updateSettings(parseSettingsPatch(await jsonBody(request)))) },
    { method: 'GET', path: '/torrents', handle: () => ok({ torrents: daemon.list() }) },
    { method: 'POST', path: '/torrents', handle: (request) => add(daemon, request) },
    { method: 'GET', path: '/torrents/:id', handle: ({ params }) => ok(daemon.get(params.id)) },
    { method: 'PATCH', path: '/torrents/:id', handle: async (request) => ok(await daemon.updateTorrent(request.params.id, parseTorrentPatch(await jsonBody(request)))) },
    { method: 'DELETE', path: '/torrents/:id', handle: async ({ params, query }) => {
      await daemon.remove(params.id, { deleteData: booleanParameter(query, 'deleteData') ?? false });
      return { status: 204 };
    } },
    { method: 'GET', path: '/torrents/:id/files/:n/stream', handle: ({ params, req, res }) => streamFile(daemon, params.id, params.n, req, res) },
    { method: 'GET', path: '/torrents/:id/peers', handle: ({ params }) => ok({ peers: daemon.peers(params.id) }) },
    action('pause'),
    action('resume'),
    action('recheck'),
    { method: 'GET', path: '/events', handle: ({ res }) => (streamEvents(res, daemon, clock), 'streaming') },
  ];
}

/** A JSON AddRequest, or a .torrent's raw bytes with ?dir=&paused=: 201 when added, 200 when it was already there. */
async function add(daemon: DaemonControl, request: ApiRequest): Promise<ApiReply> {
  const { source, options } = request.contentType === RAW_TORRENT_TYPE ? { source: { kind: 'torrent' as const, bytes: await rawTorrent(request) }, options: parseAddQuery(request.query) } : parseAddRequest(await jsonBody(request));
  const result = await daemon.add(source, options);
  return { status: result.added ? 201 : 200, json: result };
}

async function rawTorrent(request: ApiRequest): Promise<Buffer> {
  const bytes = await request.body();
  if (bytes.length === 0) throw new ApiHttpError(400, `the request body is empty: send the .torrent file's bytes as ${RAW_TORRENT_TYPE}`);
  return bytes;
}

async function jsonBody(request: ApiRequest): Promise<Record<string, unknown>> {
  if (request.contentType !== 'application/json') throw new ApiHttpError(415, 'this route takes JSON (content-type: application/json)');
  return parseJsonObject(await request.body());
}
