import type { IncomingMessage } from 'http';
import * as net from 'net';
import { isOwnHost, isOwnOrigin } from '../../control/localOnly.js';
import { isLoopback } from '../../net/hosts.js';
import { ApiHttpError } from './ApiHttpError.js';
import { tokensMatch } from './apiToken.js';

/** The content types a plain HTML form cannot send: a state-changing request must carry one of them. */
const STATE_CHANGING_TYPES = /^application\/(json|x-bittorrent)\s*(;|$)/i;
const STATE_CHANGING_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export interface GuardSettings {
  /** The address the server listens on. */
  host: string;
  /** The bound port. */
  port: number;
  /** When set, every request must carry it. */
  token?: string;
  /** The path that may carry the token as `?token=` (a browser's EventSource sends no header). */
  tokenInQueryPath: string;
  /** Static pages a browser loads without a header (the web UI, which then asks the user for the token): GET only, no token asked. */
  openPaths?: readonly string[];
}

/**
 * Throws the refusal a request gets before it is routed, else returns.
 * A web page open in the user's browser can reach a loopback server: by DNS
 * rebinding (a Host that is not ours), by a cross-site request (an Origin
 * that is not ours), or by a plain form (no JSON content type). Beyond
 * loopback, the token keeps everyone else out.
 */
export function guardRequest(req: IncomingMessage, url: URL, settings: GuardSettings): void {
  const host = req.headers.host;
  const loopback = isLoopback(settings.host);
  if (loopback && !isOwnHost(host, settings.port) && !isBoundAddress(host, settings)) {
    throw new ApiHttpError(403, `only http://127.0.0.1:${settings.port} is served here (Host: ${host ?? 'none'})`);
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, settings.port) && origin.toLowerCase() !== `http://${host ?? ''}`.toLowerCase()) {
    throw new ApiHttpError(403, `cross-site requests from ${origin} are refused`);
  }
  const method = req.method ?? 'GET';
  const open = (method === 'GET' || method === 'HEAD') && settings.openPaths?.includes(url.pathname);
  if (settings.token !== undefined && !open) checkToken(req, url, settings);
  if (STATE_CHANGING_METHODS.has(method) && !STATE_CHANGING_TYPES.test(req.headers['content-type'] ?? '')) {
    throw new ApiHttpError(415, `${method} requests must be JSON (content-type: application/json), or a .torrent as application/x-bittorrent`);
  }
}

/** Host: the address we listen on, e.g. [::1]:9881 */
function isBoundAddress(host: string | undefined, settings: GuardSettings): boolean {
  const address = net.isIPv6(settings.host) ? `[${settings.host}]` : settings.host;
  return host?.toLowerCase() === `${address}:${settings.port}`.toLowerCase();
}

function checkToken(req: IncomingMessage, url: URL, settings: GuardSettings): void {
  const header = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  const query = url.pathname === settings.tokenInQueryPath ? url.searchParams.get('token') : null;
  const given = header ?? query;
  if (given === undefined || given === null) {
    throw new ApiHttpError(401, 'this API needs its token: send Authorization: Bearer TOKEN (swarmlab commands take --token or SWARMLAB_TOKEN)', { 'www-authenticate': 'Bearer' });
  }
  if (!tokensMatch(given, settings.token!)) throw new ApiHttpError(401, 'wrong token', { 'www-authenticate': 'Bearer error="invalid_token"' });
}
