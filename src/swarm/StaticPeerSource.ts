import type { DiscoveredPeer, PeerSink, PeerSource } from './PeerSource.js';

/** Peers known before the start (a magnet link's `x.pe`, those met while fetching its metadata): reported once. */
export class StaticPeerSource implements PeerSource {
  readonly kind = 'static';

  constructor(private readonly peers: readonly DiscoveredPeer[]) {}

  start(found: PeerSink): void {
    if (this.peers.length > 0) found(this.peers);
  }

  completed(): void {}

  async stop(): Promise<void> {}
}
