import * as http from 'http';
import type { AddressInfo } from 'net';
import { API_PREFIX, type TorrentDetail, type TorrentPeer, type TorrentSummary } from '../../src/daemon/api/contract.js';

/** A request the fake daemon was sent: method and path (with its query). */
export interface Recorded {
  method: string;
  path: string;
}

/**
 * The daemon's API as far as `swarmlab top` uses it (contract.ts), on
 * 127.0.0.1 with canned torrents: it records every request, and a pause,
 * resume or DELETE changes its list and is sent on GET /events.
 */
export class FakeDaemon {
  readonly requests: Recorded[] = [];
  private readonly streams = new Set<http.ServerResponse>();
  private readonly server = http.createServer((request, response) => this.answer(request, response));

  constructor(
    public torrents: TorrentSummary[],
    private readonly details: Record<string, Pick<TorrentDetail, 'files'> & { peers: TorrentPeer[] }>,
  ) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const stream of this.streams) stream.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    this.requests.push({ method: request.method ?? '', path: url.pathname + url.search });
    const route = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : '';
    const [, collection, id, action] = route.split('/');
    const torrent = this.torrents.find((t) => t.id === id);
    if (request.method === 'GET' && route === '/events') return this.follow(response);
    if (collection !== 'torrents') return send(response, 404, { error: `no route ${url.pathname}` });
    if (request.method === 'GET' && id === undefined) return send(response, 200, { torrents: this.torrents });
    if (!torrent) return send(response, 404, { error: `no torrent ${id}` });
    if (request.method === 'GET' && action === undefined) return send(response, 200, { ...torrent, ...this.details[torrent.id] });
    if (request.method === 'GET' && action === 'peers') return send(response, 200, { peers: this.details[torrent.id].peers });
    if (request.method === 'POST' && action === 'pause') {
      this.change(torrent.id, { state: 'paused', downloadRate: 0, uploadRate: 0 });
      return send(response, 200, { torrent });
    }
    if (request.method === 'DELETE' && action === undefined) {
      this.torrents = this.torrents.filter((t) => t.id !== torrent.id);
      this.broadcast('removed', { id: torrent.id });
      return send(response, 204);
    }
    send(response, 404, { error: `no route ${request.method} ${url.pathname}` });
  }

  private change(id: string, patch: Partial<TorrentSummary>): void {
    this.torrents = this.torrents.map((t) => (t.id === id ? { ...t, ...patch } : t));
    this.broadcast('torrents', { torrents: this.torrents });
  }

  private follow(response: http.ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(': hello\n\n');
    this.streams.add(response);
    response.on('close', () => this.streams.delete(response));
    response.write(sse('torrents', { torrents: this.torrents }));
  }

  private broadcast(name: string, data: unknown): void {
    for (const stream of this.streams) stream.write(sse(name, data));
  }
}

function sse(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

function send(response: http.ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) return void response.writeHead(status).end();
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
