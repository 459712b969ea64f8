import type { DiscoveredPeer } from '../swarm/PeerSource.js';

/** Wait before dialling an address again after a failed dial or a lost connection; doubles each time. */
export const REDIAL_BASE_MS = 15_000;
export const REDIAL_MAX_MS = 10 * 60_000;
/** Failed dials in a row after which an address is forgotten (a source may report it again). */
export const MAX_DIAL_FAILURES = 5;
/** Addresses remembered per torrent: a flood of reports cannot grow it without bound. */
export const MAX_KNOWN_PEERS = 2_000;

interface Candidate {
  host: string;
  port: number;
  failures: number;
  notBeforeMs: number;
  /** It was a seed when we last met: not worth dialling while we are one too. */
  wasSeed: boolean;
}

/**
 * The addresses the torrent's sources reported (libtorrent's peer_list): who
 * to dial next, each address once at a time, with a growing wait after
 * failures. Connected peers are not here; whoever is dialled leaves until it
 * is given back.
 */
export class PeerList {
  private readonly candidates = new Map<string, Candidate>();
  /** Addresses dialling or connected: not handed out again. */
  private readonly busy = new Set<string>();
  /** Banned, or ourselves: a source reporting them again is not listened to. */
  private readonly forgotten = new Set<string>();

  add(peers: readonly DiscoveredPeer[]): void {
    for (const { host, port } of peers) {
      const address = `${host}:${port}`;
      if (this.candidates.has(address) || this.forgotten.has(address) || this.candidates.size >= MAX_KNOWN_PEERS) continue;
      this.candidates.set(address, { host, port, failures: 0, notBeforeMs: 0, wasSeed: false });
    }
  }

  get size(): number {
    return this.candidates.size;
  }

  isBusy(address: string): boolean {
    return this.busy.has(address);
  }

  /** The next address to dial now, marked busy; none when every one is busy, waiting, or a seed while we seed. */
  take(nowMs: number, seeding: boolean): { host: string; port: number; address: string } | undefined {
    for (const [address, candidate] of this.candidates) {
      if (this.busy.has(address) || candidate.notBeforeMs > nowMs || (seeding && candidate.wasSeed)) continue;
      this.busy.add(address);
      return { host: candidate.host, port: candidate.port, address };
    }
    return undefined;
  }

  /** Marks an address busy because it dialled us or we reached it otherwise. */
  claim(address: string): void {
    this.busy.add(address);
  }

  /** The dial failed: wait longer before the next try, and forget it after MAX_DIAL_FAILURES. */
  failed(address: string, nowMs: number): void {
    this.busy.delete(address);
    const candidate = this.candidates.get(address);
    if (!candidate) return;
    if (++candidate.failures >= MAX_DIAL_FAILURES) this.candidates.delete(address);
    else candidate.notBeforeMs = nowMs + Math.min(REDIAL_BASE_MS * 2 ** (candidate.failures - 1), REDIAL_MAX_MS);
  }

  /** A connection to it ended: it may be dialled again after a wait. */
  ended(address: string, nowMs: number, wasSeed: boolean): void {
    this.busy.delete(address);
    const candidate = this.candidates.get(address);
    if (!candidate) return;
    candidate.failures = 0;
    candidate.wasSeed = wasSeed;
    candidate.notBeforeMs = nowMs + REDIAL_BASE_MS;
  }

  /** Never again (banned, or ourselves), even when a source reports it again. */
  forget(address: string): void {
    this.candidates.delete(address);
    this.busy.delete(address);
    this.forgotten.add(address);
  }
}
