import { MAX_PEX_KEPT_PEERS, MAX_PEX_SENT_PEERS, type UtPexMessage } from '../../wire/bt/UtPex.js';
import type { DiscoveredPeer } from '../PeerSource.js';
import { COMPACT_IPV4_BYTES, COMPACT_IPV6_BYTES, encodeCompactPeer, parseCompactPeers } from '../tracker/compactPeers.js';
import { checkPeers, normalisedAddress, type OwnIdentity } from '../tracker/peerFilter.js';

/** A neighbour's listen address, to tell other peers about; flags as in BEP 11's `added.f` (PEX_FLAG). */
export interface PexNeighbour {
  host: string;
  port: number;
  flags?: number;
}

export interface PexStateOptions {
  /** Milliseconds, monotonic. */
  now: () => number;
  /** Who we are: never passed on, never learned. */
  self: OwnIdentity;
  /** BEP 27: a private torrent uses no PEX; nothing is sent, and what a peer sends is ignored. */
  isPrivate: boolean;
  /** The peer at the other end of this connection: not told about itself, nor learned from itself. */
  remote: { host: string; port: number };
  /** The least time between two messages we send (BEP 11's conventions: once a minute). */
  intervalMs?: number;
  /** Peers learned from this connection and remembered so they are reported once; past this, new ones are left out. */
  maxLearnedPeers?: number;
}

export const PEX_INTERVAL_MS = 60_000;
export const DEFAULT_MAX_LEARNED_PEERS = 1000;

const key = (host: string, port: number) => `${host}|${port}`;

/**
 * Peer exchange (BEP 11) on one connection: what we last told the peer (so
 * each message is the difference since), when, and which peers it told us
 * about. Sends nothing itself: the caller asks for the next message on a
 * timer and sends it, and feeds in what the peer sends.
 */
export class PexState {
  /** What the peer knows from us: key -> neighbour. */
  private readonly told = new Map<string, PexNeighbour>();
  private lastSentMs: number | undefined;
  private readonly learned = new Set<string>();
  private readonly remoteKey: string;

  constructor(private readonly options: PexStateOptions) {
    this.remoteKey = key(normalisedAddress(options.remote.host) ?? options.remote.host, options.remote.port);
  }

  /**
   * The message to send now, given our neighbours of the moment: who joined
   * and who left since the last one, at most MAX_PEX_SENT_PEERS of each (the
   * rest go in later messages). Undefined when the torrent is private, the
   * last message is less than the interval old, or there is nothing new.
   */
  nextMessage(neighbours: readonly PexNeighbour[]): UtPexMessage | undefined {
    const now = this.options.now();
    if (this.options.isPrivate || (this.lastSentMs !== undefined && now - this.lastSentMs < (this.options.intervalMs ?? PEX_INTERVAL_MS))) return undefined;
    const current = this.worthTelling(neighbours);
    const added = [...current].filter(([k]) => !this.told.has(k)).slice(0, MAX_PEX_SENT_PEERS);
    const dropped = [...this.told].filter(([k]) => !current.has(k)).slice(0, MAX_PEX_SENT_PEERS);
    if (added.length === 0 && dropped.length === 0) return undefined;
    for (const [k] of dropped) this.told.delete(k);
    for (const [k, neighbour] of added) this.told.set(k, neighbour);
    this.lastSentMs = now;
    return compactMessage(
      added.map(([, n]) => n),
      dropped.map(([, n]) => n),
    );
  }

  /**
   * The peers a message tells us about that are new from this connection,
   * checked as a tracker's are (real addresses, not us, each once); the
   * dropped ones are forgotten, so a peer that comes back is reported again.
   * Nothing when the torrent is private.
   */
  receive(message: UtPexMessage): DiscoveredPeer[] {
    if (this.options.isPrivate) return [];
    for (const peer of [...parseCompactPeers(message.dropped, COMPACT_IPV4_BYTES), ...parseCompactPeers(message.dropped6, COMPACT_IPV6_BYTES)]) {
      const host = normalisedAddress(peer.host);
      if (host !== undefined) this.learned.delete(key(host, peer.port));
    }
    const listed = [...parseCompactPeers(message.added, COMPACT_IPV4_BYTES), ...parseCompactPeers(message.added6, COMPACT_IPV6_BYTES)];
    const maxLearned = this.options.maxLearnedPeers ?? DEFAULT_MAX_LEARNED_PEERS;
    return checkPeers(listed, this.options.self, 'pex', MAX_PEX_KEPT_PEERS).peers.filter((peer) => {
      const k = key(peer.host, peer.port);
      if (k === this.remoteKey || this.learned.has(k) || this.learned.size >= maxLearned) return false;
      this.learned.add(k);
      return true;
    });
  }

  /** Our neighbours worth telling about, by key: real addresses, not us, not the peer itself, each once. */
  private worthTelling(neighbours: readonly PexNeighbour[]): Map<string, PexNeighbour> {
    const flags = new Map(neighbours.map((n) => [key(normalisedAddress(n.host) ?? n.host, n.port), n.flags ?? 0]));
    const checked = checkPeers(neighbours, this.options.self, 'pex', Number.MAX_SAFE_INTEGER).peers;
    return new Map(
      checked
        .map((peer): [string, PexNeighbour] => [key(peer.host, peer.port), { host: peer.host, port: peer.port, flags: flags.get(key(peer.host, peer.port)) ?? 0 }])
        .filter(([k]) => k !== this.remoteKey),
    );
  }
}

function compactMessage(added: PexNeighbour[], dropped: PexNeighbour[]): UtPexMessage {
  const isV6 = (peer: PexNeighbour) => peer.host.includes(':');
  const entries = (peers: PexNeighbour[]) => Buffer.concat(peers.map((peer) => encodeCompactPeer(peer.host, peer.port)));
  const flags = (peers: PexNeighbour[]) => Buffer.from(peers.map((peer) => peer.flags ?? 0));
  const [added4, added6] = [added.filter((p) => !isV6(p)), added.filter(isV6)];
  const [dropped4, dropped6] = [dropped.filter((p) => !isV6(p)), dropped.filter(isV6)];
  return { added: entries(added4), addedFlags: flags(added4), added6: entries(added6), added6Flags: flags(added6), dropped: entries(dropped4), dropped6: entries(dropped6) };
}
