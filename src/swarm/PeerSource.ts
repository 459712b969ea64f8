/** Where a peer's address came from (libtorrent's peer-source flags): the peer list keeps it, the log shows it. */
export type PeerSourceKind = 'static' | 'tracker' | 'dht' | 'pex';

/** A peer someone told us about: an address to dial, not yet a neighbour. */
export interface DiscoveredPeer {
  /** An IP address (never a host name: nobody's reply makes us resolve names). */
  host: string;
  port: number;
  /** The 20-byte peer id, when the source knows it (a tracker's dictionary reply does). */
  peerId?: Buffer;
  source: PeerSourceKind;
}

/** Receives the peers of one reply (a tracker announce, a DHT lookup, a PEX message), already checked and without repeats. */
export type PeerSink = (peers: readonly DiscoveredPeer[]) => void;

/** The torrent's figures as trackers want them (BEP 3): bytes since we started, and bytes still missing. */
export interface TransferStats {
  uploaded: number;
  downloaded: number;
  left: number;
}

/**
 * One way of finding peers for one torrent: a static list, its trackers, the
 * DHT, PEX. A torrent holds several and treats them alike; each one is
 * asynchronous and contained: nothing here blocks the transfer or throws into
 * the caller, failures go to the source's diagnostics. The torrent's figures
 * (TransferStats) are read by the source when it needs them (each announce),
 * through a function it was given, so they are never stale.
 */
export interface PeerSource {
  readonly kind: PeerSourceKind;
  /** Starts looking for peers (a tracker announces `started`); what it finds goes to `found`, until stop(). */
  start(found: PeerSink): void;
  /** The torrent now holds every piece (a tracker announces `completed`; BEP 3 sends it once). */
  completed(): void;
  /** Stops looking (a tracker announces `stopped`): resolves within a bounded time, never rejects. */
  stop(): Promise<void>;
}
