import type * as http from 'http';
import { FAVICON_SVG, WEB_PAGE, WEB_SECURITY_POLICY } from './webPage.js';

/** What serveWebUi serves: static, nothing of the daemon's in them (the API server lets them through without the token). */
export const WEB_UI_PATHS = ['/', '/favicon.svg', '/favicon.ico'] as const;

/**
 * The web UI's own paths, for the API server's `page` hook: the page at `/`
 * and its favicon. Returns false for any other path (the server says 404).
 */
export function serveWebUi(request: http.IncomingMessage, response: http.ServerResponse): boolean {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === '/') {
    response.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': WEB_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : WEB_PAGE);
    return true;
  }
  if (WEB_UI_PATHS.includes(url.pathname as (typeof WEB_UI_PATHS)[number])) {
    response.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400', 'x-content-type-options': 'nosniff' });
    response.end(request.method === 'HEAD' ? undefined : FAVICON_SVG);
    return true;
  }
  return false;
}
