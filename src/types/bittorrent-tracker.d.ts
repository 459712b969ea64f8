/**
 * bittorrent-tracker 11 ships no types: what src/tracker uses of its server,
 * as its README and server.js (11.2.3) describe it.
 */
declare module 'bittorrent-tracker/server' {
  import type { Socket } from 'dgram';
  import type { EventEmitter } from 'events';
  import type { Server as HttpServer } from 'http';

  export interface ServerOptions {
    /** The interval (ms) the tracker tells clients to announce at. */
    interval?: number;
    trustProxy?: boolean;
    /** false: no HTTP tracker; an object: options for http.createServer. */
    http?: boolean | object;
    /** false: no UDP tracker; an object: extra options for dgram.createSocket. */
    udp?: boolean | object;
    /** false: no WebSocket (WebTorrent) tracker. */
    ws?: boolean | object;
    /** Serve /stats and /stats.json on the HTTP server. */
    stats?: boolean;
  }

  /** What the server passes with its 'start', 'complete', 'update' and 'stop' events. */
  export interface AnnounceParams {
    type: 'http' | 'udp' | 'ws';
    /** Hex. */
    info_hash: string;
    /** Hex. */
    peer_id: string;
    ip: string;
    port: number;
    left: number;
    /** 'started' | 'completed' | 'stopped' | 'update' */
    event: string;
  }

  export interface Swarm {
    complete: number;
    incomplete: number;
  }

  export default class Server extends EventEmitter {
    constructor(opts?: ServerOptions);
    readonly http: HttpServer | null;
    readonly udp4: Socket | null;
    readonly udp6: Socket | null;
    /** By hex info-hash. */
    readonly torrents: Record<string, Swarm | undefined>;
    close(cb?: (error?: Error | null) => void): void;
    on(event: 'start' | 'complete' | 'update' | 'stop', listener: (addr: string, params: AnnounceParams) => void): this;
    on(event: 'warning' | 'error', listener: (error: Error) => void): this;
  }
}
