import type * as http from 'http';
import { FAVICON_SVG, WEB_PAGE, WEB_SECURITY_POLICY } from './webPage.js';

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
  if (url.pathname === '/favicon.svg' || url.pathname === '/favicon.ico') {
    response.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400', 'x-content-type-options': 'nosniff' });
    response.end(request.method === 'HEAD' ? undefined : FAVICON_SVG);
    return true;
  }
  return false;
}
