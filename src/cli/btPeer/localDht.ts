import * as path from 'path';
import type { Clock } from '../../common/Clock.js';
import type { PeerInfo } from '../../config/PeerInfo.js';
import { DhtNode, SHARED_ADDRESS_LIMITS } from '../../dht/DhtNode.js';
import type { Diagnostics } from '../../log/DiagnosticLog.js';
import { dialAddressFor } from '../../net/hosts.js';
import { ExitCode } from '../exitCodes.js';
import { Fatal } from '../fatal.js';

/**
 * A peer's DHT node in a `PeerDiscovery dht` set-up: on the UDP port of the
 * same number as its TCP one, started from the first peer of PeerInfo.cfg
 * (which starts alone: it is the bootstrap node), talking only to the hosts
 * PeerInfo.cfg lists, which may share one address. Its routing table is kept
 * in the peer's folder. Rejects with a Fatal (exit 5) when the port is taken.
 */
export async function startLocalDht(self: PeerInfo, peers: readonly PeerInfo[], peerDir: string, clock: Clock, diagnostics: Diagnostics): Promise<DhtNode> {
  const first = peers[0];
  const listed = new Set(peers.map((peer) => dialAddressFor(peer.host)));
  const node = new DhtNode({
    port: self.port,
    bindAddress: dialAddressFor(self.host),
    bootstrap: first.peerId === self.peerId ? [] : [{ host: dialAddressFor(first.host), port: first.port }],
    routingTableFile: path.join(peerDir, 'dht.json'),
    clock,
    diagnostics,
    accepts: (host) => listed.has(host),
    limits: SHARED_ADDRESS_LIMITS,
  });
  const started = await node.start();
  if (!started.listening) throw new Fatal(`the DHT node cannot listen on UDP ${dialAddressFor(self.host)}:${self.port}: ${started.reason}`, ExitCode.PortInUse);
  return node;
}
