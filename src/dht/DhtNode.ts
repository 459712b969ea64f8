import DHT, { type DhtContact } from 'bittorrent-dht';
import * as dgram from 'dgram';
import type { Cancel, Clock } from '../common/Clock.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import { isThisMachine } from '../net/hosts.js';
import { isPublicUnicast, type AddressPolicy } from './addressPolicy.js';
import { DEFAULT_BOOTSTRAP_NODES, type DhtAddress } from './bootstrapNodes.js';
import { DEFAULT_KRPC_GUARD_LIMITS, KrpcGuard, noDrops, type KrpcGuardCounts, type KrpcGuardLimits } from './KrpcGuard.js';
import { loadRoutingTable, saveRoutingTable, type RoutingTableRead } from './routingTableFile.js';
import { withinMs } from './withinMs.js';

export interface DhtNodeLimits extends KrpcGuardLimits {
  /** Peers others announced to us, over all info-hashes (the library keeps at most twice this). */
  maxAnnouncedPeers: number;
  /** An announced peer is forgotten after this long (BEP 5 leaves it to the node; libtorrent keeps 30 minutes). */
  announcedPeerMaxAgeMs: number;
  /** Nodes written to, and read from, the routing-table file. */
  maxSavedNodes: number;
  /** The routing table is also saved this often, so a crash loses little of it. */
  saveEveryMs: number;
  /** Binding, and stopping (saving the table, closing the socket), each take at most this long. */
  settleTimeoutMs: number;
  /** k-rpc-socket waits this long for a reply before giving a query up. */
  queryTimeoutMs: number;
}

export const DEFAULT_DHT_NODE_LIMITS: DhtNodeLimits = {
  ...DEFAULT_KRPC_GUARD_LIMITS,
  maxAnnouncedPeers: 10_000,
  announcedPeerMaxAgeMs: 30 * 60_000,
  maxSavedNodes: 500,
  saveEveryMs: 15 * 60_000,
  settleTimeoutMs: 3_000,
  queryTimeoutMs: 2_000,
};

/**
 * For a DHT whose nodes all share one address (a local experiment on
 * 127.0.0.1): the per-address rate, meant for one node per address, would
 * throttle them against each other.
 */
export const SHARED_ADDRESS_LIMITS: Partial<DhtNodeLimits> = {
  inboundPerAddress: { perSecond: 100_000, burst: 100_000 },
};

export interface DhtNodeOptions {
  /** The UDP port (0: any free one). */
  port: number;
  /** The address to bind (default: all IPv4 interfaces). */
  bindAddress?: string;
  /** Asked first when the routing table is empty (default: the public routers). */
  bootstrap?: readonly DhtAddress[];
  /** Where the routing table (and our node id) is kept between runs; none: every start bootstraps from nothing. */
  routingTableFile?: string;
  clock: Clock;
  diagnostics: Diagnostics;
  /** The addresses we talk to and hand on as peers (default: public unicast; tests: isPublicOrLoopback). */
  accepts?: AddressPolicy;
  /** Addresses of this machine (default: loopback and our interfaces). */
  isOwnHost?(host: string): boolean;
  limits?: Partial<DhtNodeLimits>;
  /** Our node id (default: the saved one, else a random one). */
  nodeId?: Buffer;
}

export type DhtStart = { listening: true; port: number } | { listening: false; reason: string };

export interface DhtPeer {
  host: string;
  port: number;
}

/** What a torrent's DHT source needs of the node: the node serves every torrent of the session. */
export interface DhtLookups {
  /** Peers found for the info-hash, in batches (one per reply), until cancelled. */
  watch(infoHash: Buffer, onPeers: (peers: DhtPeer[]) => void): Cancel;
  /** get_peers towards the info-hash; resolves when the lookup ends (nodes that answered, or why none did), never rejects. */
  lookup(infoHash: Buffer): Promise<number | Error>;
  /** announce_peer with our port to the closest nodes of the last lookup; never rejects. */
  announce(infoHash: Buffer, port: number): Promise<number | Error>;
  /** Drops everything kept for the info-hash: watchers, lookups under way, the lookup's closest nodes. */
  forget(infoHash: Buffer): void;
}

export interface DhtNodeStatus {
  state: 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';
  /** Our node id, hex. */
  nodeId?: string;
  port?: number;
  routingTableNodes: number;
  announcedPeers: number;
  queuedQueries: number;
  dropped: KrpcGuardCounts;
}

/**
 * One BEP 5 DHT node for the whole session: one bittorrent-dht instance on
 * one UDP port, behind a KrpcGuard (size, shape, transaction id, rate and
 * address checks the library leaves to us). It starts from the routing table
 * saved at the last run, saves it again now and then and at stop, and routes
 * the peers lookups find to the torrents that watch their info-hash. start()
 * and stop() settle in bounded time and never reject.
 */
export class DhtNode implements DhtLookups {
  private readonly limits: DhtNodeLimits;
  private readonly accepts: AddressPolicy;
  private state: DhtNodeStatus['state'] = 'idle';
  private dht?: DHT;
  private guard?: KrpcGuard;
  private readonly watchers = new Map<string, Set<(peers: DhtPeer[]) => void>>();
  private readonly batches = new Map<string, DhtPeer[]>();
  private readonly lookups = new Map<string, Set<() => void>>();
  private cancelSaving: Cancel = () => {};
  /** The save under way: saves run one after another (two at once would share the temp file). */
  private saving: Promise<void> = Promise.resolve();
  private stopping?: Promise<void>;

  constructor(private readonly options: DhtNodeOptions) {
    this.limits = { ...DEFAULT_DHT_NODE_LIMITS, ...options.limits };
    this.accepts = options.accepts ?? isPublicUnicast;
  }

  async start(): Promise<DhtStart> {
    if (this.state !== 'idle') return { listening: false, reason: `the DHT node is ${this.state}` };
    this.state = 'starting';
    try {
      return await this.listen();
    } catch (error) {
      // A bug of ours must not become an unhandled rejection that ends the process.
      await this.stop();
      return { listening: false, reason: (error as Error).message };
    }
  }

  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  status(): DhtNodeStatus {
    const { dht, guard } = this;
    const listening = this.state === 'running' && dht !== undefined;
    return {
      state: this.state,
      nodeId: dht?.nodeId.toString('hex'),
      port: listening ? dht.address().port : undefined,
      routingTableNodes: dht?.nodes.count() ?? 0,
      announcedPeers: dht?._peers.size ?? 0,
      queuedQueries: guard?.queuedQueries ?? 0,
      dropped: { ...(guard?.counts ?? noDrops()) },
    };
  }

  /** The routing table's nodes (id, host, port). */
  routingTable(): Required<DhtContact>[] {
    return this.dht?.nodes.toArray() ?? [];
  }

  watch(infoHash: Buffer, onPeers: (peers: DhtPeer[]) => void): Cancel {
    const key = infoHash.toString('hex');
    const set = this.watchers.get(key) ?? new Set();
    set.add(onPeers);
    this.watchers.set(key, set);
    return () => {
      set.delete(onPeers);
      if (set.size === 0 && this.watchers.get(key) === set) this.watchers.delete(key);
    };
  }

  lookup(infoHash: Buffer): Promise<number | Error> {
    const { dht } = this;
    if (this.state !== 'running' || !dht) return Promise.resolve(new Error('the DHT node is not running'));
    const key = infoHash.toString('hex');
    return settled((resolve) => {
      const running = this.lookups.get(key) ?? new Set();
      this.lookups.set(key, running);
      const stopEvents = dht.lookup(infoHash, (error, visited) => {
        running.delete(abort);
        if (running.size === 0 && this.lookups.get(key) === running) this.lookups.delete(key);
        resolve(error ?? visited ?? 0);
      });
      // The library's lookup cannot be cut short, only silenced: forget() silences it and resolves now.
      const abort = () => {
        stopEvents();
        resolve(new Error('lookup cancelled'));
      };
      running.add(abort);
    });
  }

  announce(infoHash: Buffer, port: number): Promise<number | Error> {
    const { dht } = this;
    if (this.state !== 'running' || !dht) return Promise.resolve(new Error('the DHT node is not running'));
    return settled((resolve) => dht.announce(infoHash, port, (error, answered) => resolve(error ?? answered ?? 0)));
  }

  /**
   * A node heard of outside the DHT (a peer's BEP 5 `port` message): pinged,
   * and added to the routing table if it answers. Refused addresses, and
   * anything while the node is not running, are ignored.
   */
  addNode(host: string, port: number): void {
    if (this.state !== 'running' || !this.dht || !this.accepts(host) || !(port >= 1 && port <= 0xffff)) return;
    this.dht.addNode({ host, port });
  }

  /** True while the node keeps anything for the info-hash (a watcher, a lookup, its closest nodes). */
  holds(infoHash: Buffer): boolean {
    const key = infoHash.toString('hex');
    return this.watchers.has(key) || this.lookups.has(key) || this.batches.has(key) || this.dht?._tables.get(key) !== undefined;
  }

  forget(infoHash: Buffer): void {
    const key = infoHash.toString('hex');
    for (const abort of this.lookups.get(key) ?? []) abort();
    this.lookups.delete(key);
    this.watchers.delete(key);
    this.batches.delete(key);
    this.dht?._tables.remove(key);
  }

  private async listen(): Promise<DhtStart> {
    const { options, limits } = this;
    const saved: RoutingTableRead = options.routingTableFile ? await loadRoutingTable(options.routingTableFile, this.accepts, limits.maxSavedNodes) : { nodes: [] };
    if (saved.problem) options.diagnostics.warn(`DHT routing table: ${saved.problem}`);
    if (this.state !== 'starting') return { listening: false, reason: 'stopped while starting' };
    const socket = dgram.createSocket('udp4');
    const guard = new KrpcGuard(socket, { limits, clock: options.clock, accepts: this.accepts, isOwnHost: options.isOwnHost ?? isThisMachine });
    const dht = new DHT({
      nodeId: options.nodeId ?? saved.nodeId,
      bootstrap: [...(options.bootstrap ?? DEFAULT_BOOTSTRAP_NODES)],
      socket: guard,
      timeout: limits.queryTimeoutMs,
      maxPeers: limits.maxAnnouncedPeers,
      maxAge: limits.announcedPeerMaxAgeMs,
    });
    this.guard = guard;
    this.dht = dht;
    // Always a listener: an 'error' nobody listens to would end the process.
    dht.on('error', (error) => {
      if (this.state === 'running') options.diagnostics.warn(`DHT socket: ${error.message}`);
    });
    dht.on('warning', (error) => options.diagnostics.debug(`DHT: ${error.message}`));
    dht.on('peer', (peer, infoHash) => this.found(infoHash.toString('hex'), peer));
    // Before the library's first lookup (next tick): the saved nodes, not the routers, are asked first.
    for (const node of saved.nodes) dht.addNode(node);
    const outcome = await withinMs(options.clock, limits.settleTimeoutMs, new Promise<Error | undefined>((resolve) => {
      dht.once('listening', () => resolve(undefined));
      dht.once('error', resolve);
      dht.listen(options.port, options.bindAddress ?? '0.0.0.0');
    }));
    if (outcome !== undefined || this.state !== 'starting') {
      const reason = outcome === 'timeout' ? `no UDP socket within ${limits.settleTimeoutMs} ms` : (outcome?.message ?? 'stopped while starting');
      await this.stop();
      return { listening: false, reason };
    }
    this.state = 'running';
    if (options.routingTableFile) this.cancelSaving = options.clock.every(limits.saveEveryMs, () => void this.saveTable());
    const { port } = dht.address();
    options.diagnostics.info(`DHT node on UDP port ${port}: ${saved.nodes.length} node(s) from the saved routing table`);
    return { listening: true, port };
  }

  /** Collects the peers of one reply (the library emits them one by one, synchronously) into one batch per info-hash. */
  private found(key: string, peer: DhtPeer): void {
    if (!this.watchers.has(key) || !this.accepts(peer.host)) return;
    const batch = this.batches.get(key);
    if (batch) return void batch.push({ host: peer.host, port: peer.port });
    this.batches.set(key, [{ host: peer.host, port: peer.port }]);
    queueMicrotask(() => {
      const peers = this.batches.get(key);
      this.batches.delete(key);
      for (const onPeers of this.watchers.get(key) ?? []) if (peers) onPeers(peers);
    });
  }

  private saveTable(): Promise<void> {
    this.saving = this.saving.then(() => this.writeTable());
    return this.saving;
  }

  private async writeTable(): Promise<void> {
    const file = this.options.routingTableFile;
    if (!file || !this.dht) return;
    try {
      await saveRoutingTable(file, { nodeId: this.dht.nodeId, nodes: this.dht.nodes.toArray().slice(0, this.limits.maxSavedNodes) });
    } catch (error) {
      this.options.diagnostics.warn(`DHT routing table: ${file}: not saved (${(error as Error).message})`);
    }
  }

  private async close(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    this.cancelSaving();
    for (const key of [...this.lookups.keys()]) this.forget(Buffer.from(key, 'hex'));
    this.watchers.clear();
    const { dht, options, limits } = this;
    if (dht) {
      if (wasRunning && (await withinMs(options.clock, limits.settleTimeoutMs, this.saveTable())) === 'timeout') options.diagnostics.warn('DHT routing table: not saved in time');
      if ((await withinMs(options.clock, limits.settleTimeoutMs, new Promise<void>((resolve) => dht.destroy(resolve)))) === 'timeout') options.diagnostics.warn('DHT socket: not closed in time');
    }
    this.state = 'stopped';
  }
}

/** A promise of the library's callback outcome that never rejects: a throw inside the library becomes the outcome. */
function settled(run: (resolve: (outcome: number | Error) => void) => void): Promise<number | Error> {
  return new Promise((resolve) => {
    try {
      run(resolve);
    } catch (error) {
      resolve(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
