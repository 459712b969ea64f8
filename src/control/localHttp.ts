import * as http from 'http';
import { isOwnHost, isOwnOrigin } from './localOnly.js';

/** The only address the control and metrics servers ever bind: unreachable from other machines by construction. */
export const LOOPBACK = '127.0.0.1';
const MAX_BODY_BYTES = 16 * 1024;

export interface LocalRequest {
  method: string;
  path: string;
  body: string;
}

export interface LocalResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface LocalServer {
  /** The bound port (useful when 0 asked for an ephemeral one). */
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * A small HTTP server on 127.0.0.1 only. A web page the user visits elsewhere
 * could still reach it from their browser, so it also refuses: a Host header
 * that is not this loopback address (DNS rebinding), an Origin that is not its
 * own (cross-site requests), and a POST that is not JSON (a plain HTML form
 * cannot send JSON, and a script must first pass a CORS check it never gets).
 * Bodies are capped.
 */
export function serveLocal(port: number, handle: (request: LocalRequest) => Promise<LocalResponse>): Promise<LocalServer> {
  const server = http.createServer((req, res) => {
    const reply = ({ status, contentType, body }: LocalResponse) => {
      res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
      res.end(body);
    };
    const refusal = refusalFor(req, (server.address() as { port: number }).port);
    if (refusal) return reply(text(403, `${refusal}\n`));
    readBody(req).then(
      (body) => handle({ method: req.method ?? 'GET', path: new URL(req.url ?? '/', `http://${LOOPBACK}`).pathname, body }).then(reply),
      (error: Error) => reply(text(413, `${error.message}\n`)),
    ).catch((error: unknown) => reply(text(500, `${String(error)}\n`)));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: LOOPBACK }, () => {
      server.off('error', reject);
      const bound = (server.address() as { port: number }).port;
      resolve({
        port: bound,
        url: `http://${LOOPBACK}:${bound}/`,
        close: () => new Promise((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}

export function text(status: number, body: string): LocalResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body };
}

export function json(status: number, value: unknown): LocalResponse {
  return { status, contentType: 'application/json', body: `${JSON.stringify(value)}\n` };
}

function refusalFor(req: http.IncomingMessage, port: number): string | undefined {
  const { host, origin } = req.headers;
  if (!isOwnHost(host, port)) return `only http://${LOOPBACK}:${port}/ is served here`;
  // curl and Prometheus send no Origin; a browser's cross-site request does.
  if (origin !== undefined && !isOwnOrigin(origin, port)) return `cross-site requests from ${origin} are refused`;
  if (req.method === 'POST' && !/^application\/json\b/.test(req.headers['content-type'] ?? '')) return 'POST bodies must be JSON (content-type: application/json)';
  return undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
