import * as http from 'http';
import { systemClock, type Clock } from '../../common/Clock.js';
import type { DaemonControl } from '../DaemonControl.js';
import { ApiHttpError, errorReply } from './ApiHttpError.js';
import { ApiMetrics } from './apiMetrics.js';
import { API_PREFIX, MAX_API_BODY_BYTES, type ApiErrorBody } from './contract.js';
import { discardRest, readBody } from './requestBody.js';
import { isLoopback } from '../../net/hosts.js';
import { guardRequest } from './requestGuard.js';
import { matchRoute, type ApiReply, type Route } from './router.js';
import { apiRoutes } from './routes.js';

/** For the daemon: the token it starts the server with when it listens beyond loopback. */
export { loadOrCreateToken } from './apiToken.js';

export const METRICS_PATH = '/metrics';

export interface ApiServerOptions {
  daemon: DaemonControl;
  /** 127.0.0.1 unless told otherwise; any other address than loopback needs a token. */
  host?: string;
  /** 0 for any free port. */
  port: number;
  /** Every request must then carry `Authorization: Bearer TOKEN` (GET /events may say `?token=`). */
  token?: string;
  /** Shown by /metrics (swarmlab_daemon_info). */
  version: string;
  /** Serves the web UI: called for each GET outside the API and /metrics; false when it has no such page (a 404 then). */
  page?: (request: http.IncomingMessage, response: http.ServerResponse) => boolean;
  /** The page's paths: static, so served without the token (the page asks the user for it and sends it with each API call). */
  pagePaths?: readonly string[];
  /** Paces the event stream; tests inject their own. */
  clock?: Clock;
}

export interface ApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the daemon's HTTP API (contract.ts) and /metrics. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.token) throw new Error(`the API listens on ${host}, beyond this machine: it needs a token`);
  const routes = apiRoutes(options.daemon, options.clock ?? systemClock);
  const metrics = new ApiMetrics(options.daemon, options.version);
  const server = http.createServer((req, res) => {
    answer(req, res).catch((error: unknown) => reply(res, errorReply(error)));
  });
  // A client that asks before sending a body (curl does for large ones) is told 413 instead of "go on" when it is too large.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (Number(req.headers['content-length'] ?? 0) <= MAX_API_BODY_BYTES) res.writeContinue();
    server.emit('request', req, res);
  });
  const answer = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://api.invalid');
    guardRequest(req, url, { host, port: boundPort(), token: options.token, tokenInQueryPath: `${API_PREFIX}/events`, openPaths: options.pagePaths });
    if (url.pathname.startsWith(`${API_PREFIX}/`)) return replyWith(res, await handle(routes, req, res, url));
    if (url.pathname === METRICS_PATH) return serveMetrics(req, res, metrics);
    if (req.method === 'GET' && options.page?.(req, res)) return;
    throw new ApiHttpError(404, `no such page: ${url.pathname} (the API is under ${API_PREFIX}/)`);
  };
  const boundPort = () => (server.address() as { port: number }).port;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = boundPort();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    port,
    url: `http://${urlHost}:${port}`,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

async function handle(routes: readonly Route[], req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<ApiReply> {
  const { route, params } = matchRoute(routes, req.method ?? 'GET', url.pathname.slice(API_PREFIX.length));
  const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return route.handle({ params, query: url.searchParams, contentType, body: () => readBody(req, MAX_API_BODY_BYTES), req, res });
}

async function serveMetrics(req: http.IncomingMessage, res: http.ServerResponse, metrics: ApiMetrics): Promise<void> {
  if (req.method !== 'GET') throw new ApiHttpError(405, `${METRICS_PATH} takes GET, not ${req.method}`, { allow: 'GET' });
  const { contentType, body } = await metrics.exposition();
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

function replyWith(res: http.ServerResponse, result: ApiReply): void {
  if (result !== 'streaming') sendJson(res, result.status, result.json);
}

/** An error as `{"error": message}`; a body left unread (a refusal before it, or one too large) is dropped, within bounds. */
function reply(res: http.ServerResponse, error: ApiHttpError): void {
  if (res.headersSent) return void res.destroy();
  const body: ApiErrorBody = { error: error.message };
  if (res.req.complete) return sendJson(res, error.status, body, error.headers);
  // Ended now, Node would close the connection while the client still sends, and the client could lose the answer.
  sendJson(res, error.status, body, { ...error.headers, connection: 'close' }, false);
  discardRest(res.req, () => res.end());
}

/** `end` false: the whole answer is written (its length is declared) but the response is ended later. */
function sendJson(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}, end = true): void {
  const body = value === undefined ? '' : `${JSON.stringify(value)}\n`;
  res.writeHead(status, { ...(body ? { 'content-type': 'application/json' } : {}), 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers });
  if (end) res.end(body);
  else res.write(body);
}
