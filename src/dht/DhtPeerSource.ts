import type { Cancel, Clock } from '../common/Clock.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import { isThisMachine } from '../net/hosts.js';
import type { PeerSink, PeerSource } from '../swarm/PeerSource.js';
import { checkPeers } from '../swarm/tracker/peerFilter.js';
import type { DhtLookups, DhtPeer } from './DhtNode.js';

export interface DhtPeerSourceOptions {
  infoHash: Buffer;
  /** Our peer id: with the port, how we recognise ourselves among the peers found. */
  peerId: Buffer;
  /** The port we listen on for peers: the one we announce (BEP 5 announce_peer). */
  port: number;
  /** The session's DHT node. */
  node: DhtLookups;
  /** How many peers the torrent has now: it looks up again only while that is below `fewPeers`. */
  peerCount(): number;
  clock: Clock;
  diagnostics: Diagnostics;
  fewPeers?: number;
  /** Time between two rounds (a lookup then an announce, or only an announce when the torrent has peers enough). */
  roundEveryMs?: number;
  /** Peers kept from one reply, however many it lists. */
  maxPeersPerReply?: number;
  isOwnHost?(host: string): boolean;
}

export const DEFAULT_FEW_PEERS = 30;
/** libtorrent looks up again every 15 minutes, Transmission sooner while it lacks peers: a few minutes keeps a young swarm found. */
export const DEFAULT_DHT_ROUND_MS = 5 * 60_000;
export const DEFAULT_DHT_PEERS_PER_REPLY = 100;

/**
 * The DHT as one torrent's PeerSource (BEP 5): get_peers at start, then
 * announce_peer with our port once the lookup ends; every few minutes again,
 * a lookup only while the torrent has few peers, an announce each time (the
 * nodes forget announced peers after a while). Contained like the tracker
 * source: a failed lookup is a line in the diagnostics. stop() drops
 * everything the node keeps for this torrent.
 */
export class DhtPeerSource implements PeerSource {
  readonly kind = 'dht';
  private state: 'idle' | 'running' | 'stopped' = 'idle';
  private found: PeerSink = () => {};
  private unwatch: Cancel = () => {};
  private cancelNext: Cancel = () => {};
  private readonly name: string;

  constructor(private readonly options: DhtPeerSourceOptions) {
    this.name = `DHT ${options.infoHash.toString('hex').slice(0, 8)}`;
  }

  start(found: PeerSink): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    this.found = found;
    this.unwatch = this.options.node.watch(this.options.infoHash, (peers) => this.deliver(peers));
    void this.round(true);
  }

  /** BEP 5 has no `completed`: a seed announces like anyone else. */
  completed(): void {}

  stop(): Promise<void> {
    if (this.state === 'stopped') return Promise.resolve();
    this.state = 'stopped';
    this.cancelNext();
    this.unwatch();
    this.options.node.forget(this.options.infoHash);
    return Promise.resolve();
  }

  private async round(lookUp: boolean): Promise<void> {
    const { node, infoHash, port, diagnostics } = this.options;
    try {
      if (lookUp) {
        const reached = await node.lookup(infoHash);
        if (this.state !== 'running') return;
        diagnostics.info(`${this.name}: lookup ${reached instanceof Error ? `failed: ${reached.message}` : `reached ${reached} node(s)`}`);
      }
      const announced = await node.announce(infoHash, port);
      if (this.state !== 'running') return;
      diagnostics.info(`${this.name}: ${announced instanceof Error ? `announce failed: ${announced.message}` : `announced port ${port} to ${announced} node(s)`}`);
    } catch (error) {
      // A bug of ours must not become an unhandled rejection that ends the process.
      diagnostics.error(`${this.name}: round failed: ${(error as Error).stack ?? String(error)}`);
    }
    if (this.state === 'running') this.cancelNext = this.options.clock.after(this.options.roundEveryMs ?? DEFAULT_DHT_ROUND_MS, () => void this.round(this.wantsPeers()));
  }

  private wantsPeers(): boolean {
    return this.options.peerCount() < (this.options.fewPeers ?? DEFAULT_FEW_PEERS);
  }

  private deliver(listed: DhtPeer[]): void {
    if (this.state !== 'running') return;
    const { peerId, port, isOwnHost, maxPeersPerReply, diagnostics } = this.options;
    const { peers } = checkPeers(listed, { peerId, port, isOwnHost: isOwnHost ?? isThisMachine }, 'dht', maxPeersPerReply ?? DEFAULT_DHT_PEERS_PER_REPLY);
    if (peers.length === 0) return;
    try {
      this.found(peers);
    } catch (error) {
      diagnostics.error(`${this.name}: the peers found were not taken: ${(error as Error).message}`);
    }
  }
}

/** What the wiring decides a DHT source from. */
export interface DhtEligibility {
  /** BEP 27: a private torrent finds peers through its trackers only. */
  isPrivate: boolean;
}

/**
 * The DHT source for a torrent, or none: with `--no-dht` (no node) or for a
 * private torrent (BEP 27: its peers must not leak to the DHT, nor come from it).
 */
export function dhtPeerSourceFor(torrent: DhtEligibility, options: Omit<DhtPeerSourceOptions, 'node'> & { node: DhtLookups | undefined }): DhtPeerSource | undefined {
  const { node } = options;
  if (torrent.isPrivate || node === undefined) return undefined;
  return new DhtPeerSource({ ...options, node });
}

