import * as net from 'net';
import type { Duplex } from 'stream';
import type { Clock } from '../common/Clock.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import { routeHandshakes } from '../net/bt/HandshakeRouter.js';
import { dialFromAddress } from '../net/hosts.js';
import { closeServer, listen } from '../net/Listener.js';
import { connectReadingIntoOneBuffer } from '../net/reusedReadBuffer.js';
import { normalisedAddress } from '../swarm/tracker/peerFilter.js';
import { Torrent, type TorrentOptions } from '../torrent/Torrent.js';

/** A dial that has not connected by then is given up. */
export const DIAL_TIMEOUT_MS = 10_000;
/** An incoming connection gets this long to say which torrent it wants. */
const ROUTE_TIMEOUT_MS = 10_000;

export interface BtSessionOptions {
  /** Where we listen and what we dial from (`--bind`); undefined: every interface. */
  bind?: string;
  port: number;
  clock: Clock;
  diagnostics: Diagnostics;
}

/** What a torrent needs that the session provides. */
export type SessionTorrentOptions = Omit<TorrentOptions, 'dial' | 'listenPort' | 'clock' | 'diagnostics'>;

/**
 * Per process (architecture.md, "per session"): one listening socket, the
 * routing of incoming handshakes by info-hash, and the torrents.
 */
export class BtSession {
  private readonly torrents = new Map<string, Torrent>();
  private server: net.Server | undefined;
  /** Accepted sockets no torrent has taken yet: close() ends them, or a silent one would hold the server open. */
  private readonly routing = new Set<net.Socket>();

  constructor(private readonly options: BtSessionOptions) {}

  /** Binds the port; rejects with PortInUseError when it is taken. */
  async listen(): Promise<void> {
    const { clock, diagnostics, bind, port } = this.options;
    const onSocket = routeHandshakes({
      clock,
      timeoutMs: ROUTE_TIMEOUT_MS,
      route: (head, socket, address, rest) => {
        this.routing.delete(socket as net.Socket);
        const torrent = this.torrents.get(head.infoHash.toString('hex'));
        if (!torrent) return `no torrent ${head.infoHash.toString('hex')} here`;
        return torrent.accept(socket, address, head, rest);
      },
      dropped: (address, why) => diagnostics.debug(`incoming connection from ${address} closed: ${why}`),
    });
    this.server = await listen(port, bind, (socket) => {
      socket.setNoDelay(true);
      this.routing.add(socket);
      socket.once('close', () => this.routing.delete(socket));
      // One spelling per address: a dual-stack listener sees IPv4 peers as ::ffff:a.b.c.d, trackers list them as a.b.c.d.
      const host = socket.remoteAddress ?? 'unknown';
      onSocket(socket, `${normalisedAddress(host) ?? host}:${socket.remotePort}`);
    });
  }

  add(options: SessionTorrentOptions): Torrent {
    const torrent = new Torrent({
      ...options,
      dial: (host, port) => this.dial(host, port),
      listenPort: this.options.port,
      clock: this.options.clock,
      diagnostics: this.options.diagnostics,
    });
    this.torrents.set(options.infoHash.toString('hex'), torrent);
    return torrent;
  }

  /** Stops one torrent (its connections closed, its trackers told `stopped`); incoming peers for it are turned away from then on. */
  async remove(infoHash: Buffer): Promise<void> {
    const key = infoHash.toString('hex');
    const torrent = this.torrents.get(key);
    if (!torrent) return;
    this.torrents.delete(key);
    await torrent.stop();
  }

  async close(): Promise<void> {
    for (const socket of this.routing) socket.destroy(); // nothing said to them yet: nothing to flush
    await Promise.all([...this.torrents.values()].map((torrent) => torrent.stop()));
    this.torrents.clear();
    if (this.server) await closeServer(this.server);
  }

  /** TCP to a peer, from our bind address. */
  dial(host: string, port: number): Promise<Duplex> {
    const { bind, clock } = this.options;
    return new Promise((resolve, reject) => {
      const socket = connectReadingIntoOneBuffer({ host, port, noDelay: true, localAddress: dialFromAddress(bind) });
      let connected = false;
      const cancelTimer = clock.after(DIAL_TIMEOUT_MS, () => {
        socket.destroy();
        reject(new Error(`no answer within ${DIAL_TIMEOUT_MS} ms`));
      });
      socket.once('connect', () => {
        connected = true;
        cancelTimer();
        resolve(socket);
      });
      // Kept after the connect: the connection adds its own, and an error in between must not go unheard.
      socket.on('error', (error) => {
        if (connected) return;
        cancelTimer();
        reject(error);
      });
    });
  }
}
