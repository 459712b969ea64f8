import type { Cancel, Clock } from '../../common/Clock.js';
import type { PeerInfo } from '../../config/PeerInfo.js';
import { dialAddressFor } from '../../net/hosts.js';
import type { PeerSink, PeerSource } from '../../swarm/PeerSource.js';

/** How often the listed peers are reported again: an address the torrent gave up on after failed dials comes back. */
export const RELIST_MS = 10_000;

export interface ListedPeerSourceOptions {
  /** The listed peers worth dialling now (all the others while we download; the ones not known complete after). */
  wanted(): readonly PeerInfo[];
  clock: Clock;
}

/**
 * PeerInfo.cfg's other peers as a PeerSource (the static list beside the
 * tracker): reported at the start and again every RELIST_MS, since the
 * torrent's peer list forgets an address after a few failed dials (a peer not
 * started yet, or paused) and the swarm's end depends on meeting everyone.
 */
export class ListedPeerSource implements PeerSource {
  readonly kind = 'static';
  private cancel: Cancel | undefined;

  constructor(private readonly options: ListedPeerSourceOptions) {}

  start(found: PeerSink): void {
    const report = () => found(this.options.wanted().map((peer) => ({ host: dialAddressFor(peer.host), port: peer.port, source: 'static' as const })));
    report();
    this.cancel = this.options.clock.every(RELIST_MS, report);
  }

  completed(): void {}

  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = undefined;
  }
}
