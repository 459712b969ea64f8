/**
 * bittorrent-dht 11 ships no types: what src/dht uses of it, as its README
 * and client.js (11.0.12) describe it. Options named here reach k-rpc and
 * k-rpc-socket, which the DHT passes its options on to.
 */
declare module 'bittorrent-dht' {
  import type { EventEmitter } from 'events';

  export interface DhtContact {
    id?: Buffer;
    host: string;
    port: number;
  }

  /** What k-rpc-socket uses of a UDP socket: `opts.socket` replaces dgram's. */
  export interface KrpcUdpSocket extends EventEmitter {
    send(buffer: Buffer, offset: number, length: number, port: number, host: string, callback?: (error: Error | null) => void): void;
    bind(port?: number, address?: string, callback?: () => void): void;
    address(): { address: string; port: number; family: string };
    close(): void;
  }

  export interface DhtOptions {
    /** Our 20-byte node id (random by default). */
    nodeId?: Buffer;
    /** Bootstrap nodes ("host:port" or contacts); false: none. */
    bootstrap?: readonly (string | DhtContact)[] | false;
    /** k-rpc-socket: the UDP socket to use instead of a fresh dgram one. */
    socket?: KrpcUdpSocket;
    /** k-rpc-socket: ms before a query counts as lost (default 2000). */
    timeout?: number;
    /** k-rpc: queries in flight at once (default 16). */
    concurrency?: number;
    /** Announced peers kept, over all info-hashes (record-cache's maxSize; it keeps at most twice this). */
    maxPeers?: number;
    /** ms after which an announced peer is forgotten (0: never). */
    maxAge?: number;
    /** Closest-node tables kept from lookups (one per info-hash, 5 minutes each). */
    maxTables?: number;
    /** Stored BEP 44 values kept. */
    maxValues?: number;
  }

  export default class DHT extends EventEmitter {
    constructor(options?: DhtOptions);
    readonly nodeId: Buffer;
    readonly listening: boolean;
    readonly destroyed: boolean;
    /** The routing table (a k-bucket). */
    readonly nodes: { toArray(): Required<DhtContact>[]; count(): number };
    /** Internal: the announced-peer store (record-cache) and the per-info-hash lookup tables (lru); read for bounds and clean-up. */
    readonly _peers: { readonly size: number };
    readonly _tables: { remove(key: string): void; get(key: string): unknown };
    listen(port?: number, address?: string, callback?: () => void): void;
    address(): { address: string; port: number; family: string };
    /** A contact with an id is added as it is; without, it is pinged first. */
    addNode(node: DhtContact): void;
    /** get_peers towards the info-hash: each peer found comes as a 'peer' event; returns a function that stops the events. */
    lookup(infoHash: Buffer, callback?: (error: Error | null, nodesVisited?: number) => void): () => void;
    /** announce_peer to the closest nodes of the last lookup (looks up first when there is none). */
    announce(infoHash: Buffer, port: number, callback?: (error: Error | null, nodesAnswered?: number) => void): void;
    destroy(callback?: () => void): void;
    on(event: 'peer', listener: (peer: { host: string; port: number }, infoHash: Buffer, from: { address: string; port: number } | null) => void): this;
    on(event: 'ready' | 'listening' | 'close', listener: () => void): this;
    on(event: 'error' | 'warning', listener: (error: Error) => void): this;
    on(event: 'node', listener: (node: DhtContact) => void): this;
    on(event: 'announce', listener: (peer: { host: string; port: number }, infoHash: Buffer) => void): this;
  }
}
