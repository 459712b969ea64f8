import type { Clock } from '../common/Clock.js';
import { hostAndPort } from '../net/hosts.js';
import { PexState, type PexNeighbour } from '../swarm/pex/PexState.js';
import type { PeerSink } from '../swarm/PeerSource.js';
import type { OwnIdentity } from '../swarm/tracker/peerFilter.js';
import type { ExtensionHandshake } from '../wire/bt/ExtensionHandshake.js';
import { PEX_FLAG, UT_PEX, type UtPexMessage } from '../wire/bt/UtPex.js';
import type { BtPeer } from './BtPeer.js';

export interface PeerExchangeOptions {
  clock: Clock;
  /** Who we are: never told about, never learned. */
  self: OwnIdentity;
  /** Where the peers learned go (the torrent's peer list, as source 'pex'). */
  found: PeerSink;
}

/**
 * Peer exchange (BEP 11) for one public torrent (a private one has none, BEP
 * 27): a PexState per connection whose peer announced ut_pex. Now and then
 * each such peer is told which of our peers joined and left since (PexState
 * keeps it to once a minute); what peers tell us goes to `found`, checked,
 * bounded and without repeats.
 */
export class PeerExchange {
  /** By the peer's key: only peers that announced ut_pex. */
  private readonly states = new Map<string, PexState>();

  constructor(private readonly options: PeerExchangeOptions) {}

  /** The peer's extension handshake (again, if it sends another): ut_pex announced, or turned off with id 0. */
  announced(peer: BtPeer, handshake: ExtensionHandshake): void {
    if (!handshake.extensions.get(UT_PEX)) return void this.states.delete(peer.key);
    if (this.states.has(peer.key)) return;
    const remote = hostAndPort(peer.listenAddress ?? peer.address);
    this.states.set(peer.key, new PexState({ now: () => this.options.clock.now(), self: this.options.self, isPrivate: false, remote }));
  }

  /** A peer's ut_pex message; one from a peer that announced no ut_pex is ignored. */
  received(peer: BtPeer, message: UtPexMessage): void {
    const learned = this.states.get(peer.key)?.receive(message) ?? [];
    if (learned.length > 0) this.options.found(learned);
  }

  /** Tells each peer due a message what changed among `connected` (those whose listen address we know). */
  tell(connected: readonly BtPeer[]): void {
    if (this.states.size === 0) return;
    const neighbours = connected.flatMap((peer): PexNeighbour[] => {
      if (peer.listenAddress === undefined) return [];
      return [{ ...hostAndPort(peer.listenAddress), flags: peer.isSeed ? PEX_FLAG.seed : 0 }];
    });
    for (const peer of connected) {
      const message = this.states.get(peer.key)?.nextMessage(neighbours);
      if (message) peer.wire.sendPex(message);
    }
  }

  gone(peer: BtPeer): void {
    this.states.delete(peer.key);
  }
}
