import * as http from 'http';
import type { Duplex } from 'stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SwarmControl } from '../launcher/SwarmControl.js';
import { ClientFeed } from './ClientFeed.js';
import { carryOut } from './commands.js';
import { isOwnHost, isOwnOrigin } from '../control/localOnly.js';
import { RequestError, parseRequest, type DashboardFacts, type LogEntry, type RunEnd, type ServerMessage } from './messages.js';
import { describeRunEnd } from './runEnd.js';
import { PAGE_HTML, pageSecurityPolicy } from './page.js';

/** Hard-coded: the dashboard is never reachable from another machine. */
const HOST = '127.0.0.1';
const WS_PATH = '/ws';

export interface DashboardOptions {
  swarm: SwarmControl;
  facts: DashboardFacts;
  /** 0 (the default): any free port. */
  port?: number;
  /** How often pending statuses and log lines go out to each page; a peer's status at most this often. */
  flushIntervalMs?: number;
  /** Log lines kept for a newly opened page, and per page between flushes. */
  maxLogLines?: number;
  /** A page with more unsent bytes than this gets nothing more until it drains. */
  maxBufferedBytes?: number;
}

export interface Dashboard {
  /** http://127.0.0.1:PORT/ */
  url: string;
  port: number;
  /** From now on every command is answered with this reason (the run is over: nobody would supervise a restarted peer). */
  refuseCommands(reason: string): void;
  close(): Promise<void>;
}

/** A command is a few dozen bytes; anything much larger is not from our page. */
const MAX_REQUEST_BYTES = 4096;
/** Button presses still being carried out for one page; more are refused, not queued. */
const MAX_COMMANDS_IN_FLIGHT = 8;
/** How long a page gets to answer the closing handshake before its socket is cut. */
const CLOSE_GRACE_MS = 1_000;

interface Client {
  socket: WebSocket;
  feed: ClientFeed;
  commandsInFlight: number;
}

/**
 * Serves the live dashboard of a running swarm on 127.0.0.1: the page at `/`,
 * and a WebSocket at `/ws` that pushes a snapshot, then statuses, log lines and
 * lifecycle changes, and takes the page's commands.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { swarm, facts } = options;
  const limits = { maxLogLines: options.maxLogLines ?? 500, maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024 };
  const clients = new Set<Client>();
  const recentLog: LogEntry[] = [];
  const knownPeers = new Set(swarm.peers.map((peer) => peer.peerId));
  let port = 0;
  let refusal: string | undefined;
  let runEnd: RunEnd | undefined;

  const server = http.createServer((request, response) => serve(request, response, port));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (request.url !== WS_PATH || !isOwnHost(request.headers.host, port) || !isOwnOrigin(request.headers.origin, port)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => welcome(ws));
  });

  function welcome(socket: WebSocket): void {
    const client: Client = { socket, feed: new ClientFeed(socket, limits), commandsInFlight: 0 };
    clients.add(client);
    socket.on('close', () => clients.delete(client));
    socket.on('error', () => socket.terminate());
    socket.on('message', (data, isBinary) => {
      if (isBinary) client.feed.reply({ type: 'error', message: 'expected a JSON text frame, got a binary one' });
      else onRequest(client, data.toString());
    });
    const peers = swarm.peers.map((peer) => ({
      peerId: peer.peerId,
      hasFile: peer.hasFile,
      port: peer.port,
      lifecycle: swarm.lifecycleOf(peer.peerId),
      status: swarm.statusOf(peer.peerId),
    }));
    send(socket, { type: 'snapshot', facts, peers, log: [...recentLog], ended: runEnd });
  }

  function onRequest(client: Client, text: string): void {
    const reply = (message: ServerMessage) => client.feed.reply(message);
    let request;
    try {
      request = parseRequest(text, (peerId) => knownPeers.has(peerId));
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      return reply({ type: 'error', id: error.id, message: error.message });
    }
    if (refusal) return reply({ type: 'error', id: request.id, message: refusal });
    if (client.commandsInFlight >= MAX_COMMANDS_IN_FLIGHT) {
      return reply({ type: 'error', id: request.id, message: 'too many commands at once; wait for the last ones to finish' });
    }
    client.commandsInFlight++;
    const { id } = request;
    carryOut(swarm, request)
      .then(
        () => reply({ type: 'result', id, ok: true }),
        (error: RequestError) => reply({ type: 'error', id, message: error.message }),
      )
      .finally(() => client.commandsInFlight--);
  }

  const unsubscribe = [
    swarm.on('status', ({ status }) => clients.forEach((c) => c.feed.status(status))),
    swarm.on('logLines', ({ peerId, lines, dropped }) => {
      recentLog.push(...lines.map((line) => ({ peerId, line })));
      if (recentLog.length > limits.maxLogLines) recentLog.splice(0, recentLog.length - limits.maxLogLines);
      clients.forEach((c) => c.feed.logLines(peerId, lines, dropped));
    }),
    swarm.on('lifecycle', ({ peerId, state, detail }) => clients.forEach((c) => c.feed.lifecycle({ type: 'lifecycle', peerId, state, detail }))),
    swarm.on('ended', (swarmRun) => {
      const ended = describeRunEnd(swarmRun);
      runEnd = ended;
      // Nobody would supervise a peer started now, and the others are gone.
      refusal ??= `the run has ended (${ended.summary}): start a new run to try again`;
      clients.forEach((c) => c.feed.ended(ended));
    }),
  ];
  const beat = setInterval(() => clients.forEach((c) => c.feed.flush()), options.flushIntervalMs ?? 250);
  beat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;

  return {
    url: `http://${HOST}:${port}/`,
    port,
    refuseCommands: (reason) => {
      refusal = reason;
    },
    close: async () => {
      clearInterval(beat);
      unsubscribe.forEach((off) => off());
      // What happened since the last beat (the peers' exits, say) still reaches the pages.
      clients.forEach((c) => c.feed.flush());
      await Promise.all([...clients].map((c) => closeGently(c.socket)));
      sockets.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The page and nothing else, to requests that name this dashboard as their host. */
function serve(request: http.IncomingMessage, response: http.ServerResponse, port: number): void {
  if (!isOwnHost(request.headers.host, port)) return plain(response, 403, `this dashboard answers only to http://${HOST}:${port}/`);
  if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, 'only GET');
  if (request.url === '/favicon.ico') return void response.writeHead(204).end();
  if (request.url !== '/') return plain(response, 404, 'not found: the dashboard is at /');
  response.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': pageSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : PAGE_HTML);
}

function plain(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }).end(`${text}\n`);
}

function send(socket: WebSocket, message: ServerMessage): void {
  socket.send(JSON.stringify(message));
}

function closeGently(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === socket.CLOSED) return resolve();
    const cut = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
    socket.once('close', () => {
      clearTimeout(cut);
      resolve();
    });
    socket.close(1001, 'the dashboard is closing');
  });
}
