import Server, { type AnnounceParams } from 'bittorrent-tracker/server';
import type { Socket as UdpSocket } from 'dgram';
import type { Server as HttpServer } from 'http';
import * as net from 'net';

export interface TrackerServerOptions {
  /** 0: any free port; HTTP and UDP get the same number either way. */
  port: number;
  /** An IP address of this machine: 127.0.0.1 keeps the tracker to this machine, 0.0.0.0 opens it to the network. */
  bind: string;
  /** The interval clients are told to announce at (bittorrent-tracker's default: 600 s). */
  announceIntervalS?: number;
}

export type TrackerEvent = 'started' | 'completed' | 'stopped' | 'update';

/** One announce the tracker took, for a console line or a test. */
export interface TrackerAnnounce {
  event: TrackerEvent;
  protocol: 'http' | 'udp';
  /** The peer's address as the tracker lists it: ip:port. */
  peer: string;
  peerIdHex: string;
  infoHashHex: string;
  left: number;
}

export interface RunningTracker {
  readonly port: number;
  /** http://ADDR:PORT/announce */
  readonly httpUrl: string;
  /** udp://ADDR:PORT */
  readonly udpUrl: string;
  /** The library's statistics page (peers, clients). */
  readonly statsUrl: string;
  onAnnounce(listener: (announce: TrackerAnnounce) => void): void;
  /** A client sent something the tracker refused, or a socket failed: the tracker runs on. */
  onWarning(listener: (message: string) => void): void;
  /** Seeders and leechers the tracker counts for a torrent, or undefined when nobody announced it. */
  swarm(infoHash: Buffer): { seeders: number; leechers: number } | undefined;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

export type TrackerServerFailure = 'bad-address' | 'port-in-use' | 'address-not-here' | 'permission' | 'other';

export class TrackerServerError extends Error {
  constructor(
    readonly code: TrackerServerFailure,
    message: string,
  ) {
    super(message);
    this.name = 'TrackerServerError';
  }
}

/** With port 0, how often a fresh port is tried when the UDP side of the one HTTP got is taken. */
const FREE_PORT_ATTEMPTS = 5;

/**
 * bittorrent-tracker's Server (HTTP and UDP; no WebSocket) on one address and
 * one port number. Its own listen() binds HTTP, UDP over IPv4 and UDP over
 * IPv6 to the same address (a UDP6 socket given 127.0.0.1 fails with EINVAL)
 * and, with port 0, to three different ports; so the sockets it made are
 * bound here: HTTP first, then the UDP socket of the address's family on the
 * port HTTP got. The other UDP socket is closed unused.
 */
export async function startTrackerServer(options: TrackerServerOptions): Promise<RunningTracker> {
  const family = net.isIP(options.bind);
  if (family === 0) throw new TrackerServerError('bad-address', `'${options.bind}' is not an IP address (try 127.0.0.1, 0.0.0.0 or ::1)`);
  for (let attempt = 1; ; attempt++) {
    const server = new Server({ http: true, udp: true, ws: false, stats: true, interval: (options.announceIntervalS ?? 600) * 1000 });
    const warnings: ((message: string) => void)[] = [];
    const warn = (error: Error) => warnings.forEach((listener) => listener(error.message));
    server.on('warning', warn).on('error', warn);
    const [udp, unused] = family === 4 ? [server.udp4, server.udp6] : [server.udp6, server.udp4];
    unused?.close();
    try {
      const port = await listenHttp(server.http!, options.port, options.bind);
      await bindUdp(udp!, port, options.bind);
      return running(server, port, options.bind, warnings);
    } catch (error) {
      await closeServer(server);
      const failure = describeListenError(error as NodeJS.ErrnoException, options);
      if (options.port === 0 && failure.code === 'port-in-use' && attempt < FREE_PORT_ATTEMPTS) continue;
      throw failure;
    }
  }
}

function running(server: Server, port: number, bind: string, warnings: ((message: string) => void)[]): RunningTracker {
  const host = urlHost(bind);
  const events: Record<string, TrackerEvent> = { start: 'started', complete: 'completed', stop: 'stopped', update: 'update' };
  return {
    port,
    httpUrl: `http://${host}:${port}/announce`,
    udpUrl: `udp://${host}:${port}`,
    statsUrl: `http://${host}:${port}/stats`,
    onAnnounce(listener) {
      for (const [name, event] of Object.entries(events)) {
        server.on(name as 'start', (peer: string, params: AnnounceParams) =>
          listener({ event, protocol: params.type === 'udp' ? 'udp' : 'http', peer, peerIdHex: params.peer_id, infoHashHex: params.info_hash, left: params.left }),
        );
      }
    },
    onWarning: (listener) => warnings.push(listener),
    swarm(infoHash) {
      const swarm = server.torrents[infoHash.toString('hex')];
      return swarm && { seeders: swarm.complete, leechers: swarm.incomplete };
    },
    close: () => closeServer(server),
  };
}

/** The host part of the URLs we print: an unspecified address is reached at the loopback one; IPv6 in brackets. */
function urlHost(bind: string): string {
  const reachable = bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '::1' : bind;
  return net.isIPv6(reachable) ? `[${reachable}]` : reachable;
}

function listenHttp(http: HttpServer, port: number, bind: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen({ port, host: bind, exclusive: true }, () => {
      http.off('error', reject);
      resolve((http.address() as net.AddressInfo).port);
    });
  });
}

function bindUdp(udp: UdpSocket, port: number, bind: string): Promise<void> {
  return new Promise((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, bind, () => {
      udp.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // http.close() waits for kept-alive connections to end on their own: do not wait for clients.
    server.http?.closeAllConnections();
  });
}

function describeListenError(error: NodeJS.ErrnoException, options: TrackerServerOptions): TrackerServerError {
  const where = `${options.bind} port ${options.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new TrackerServerError('port-in-use', `${where} is taken (by another tracker?): choose another with --port, or 0 for any free one`);
    case 'EADDRNOTAVAIL':
      return new TrackerServerError('address-not-here', `${options.bind} is not an address of this machine`);
    case 'EACCES':
      return new TrackerServerError('permission', `${where}: permission denied (ports under 1024 need privileges)`);
    default:
      return new TrackerServerError('other', `cannot listen on ${where}: ${error.message}`);
  }
}
