import type { Clock } from '../common/Clock.js';
import type { Random } from '../common/Random.js';
import type { DhtNode } from '../dht/DhtNode.js';
import { dhtPeerSourceFor } from '../dht/DhtPeerSource.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import type { DiscoveredPeer, PeerSource, TransferStats } from '../swarm/PeerSource.js';
import { StaticPeerSource } from '../swarm/StaticPeerSource.js';
import { TrackerSource } from '../swarm/tracker/TrackerSource.js';

export interface TorrentSourcesOptions {
  infoHash: Buffer;
  /** BEP 12 tiers. */
  trackerTiers: string[][];
  /** BEP 27: its trackers only. */
  isPrivate: boolean;
  /** Peers already known (a magnet link's `x.pe`, those met fetching its metadata). */
  knownPeers: readonly DiscoveredPeer[];
  peerId: Buffer;
  port: number;
  stats(): TransferStats;
  peerCount(): number;
  dht: DhtNode | undefined;
  clock: Clock;
  random: Random;
  diagnostics: Diagnostics;
  localAddress: string | undefined;
}

/** Where one torrent finds peers: its trackers, the session's DHT (not for a private torrent), and the peers already known. */
export function torrentSources(options: TorrentSourcesOptions): { sources: PeerSource[]; tracker: TrackerSource | undefined } {
  const { infoHash, peerId, port, clock, diagnostics } = options;
  const tracker =
    options.trackerTiers.length > 0
      ? new TrackerSource({ infoHash, peerId, port, tiers: options.trackerTiers, stats: options.stats, clock, random: options.random, diagnostics, localAddress: options.localAddress })
      : undefined;
  const dht = dhtPeerSourceFor({ isPrivate: options.isPrivate }, { node: options.dht, infoHash, peerId, port, peerCount: options.peerCount, clock, diagnostics });
  const known = options.knownPeers.length > 0 ? new StaticPeerSource([...options.knownPeers]) : undefined;
  return { sources: [tracker, dht, known].filter((source) => source !== undefined), tracker };
}
