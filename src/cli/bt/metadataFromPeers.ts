import type { Clock } from '../../common/Clock.js';
import type { Diagnostics } from '../../log/DiagnosticLog.js';
import { BtSession } from '../../session/BtSession.js';
import type { PeerSource } from '../../swarm/PeerSource.js';
import { MetadataSwarm, type MetadataOutcome } from '../../torrent/MetadataSwarm.js';
import { packageVersion } from '../version.js';

export interface MetadataFromPeersOptions {
  infoHash: Buffer;
  localPeerId: Buffer;
  bind?: string;
  port: number;
  /** Where peers come from; stopped with the rest. */
  sources: readonly PeerSource[];
  /** The magnet link, or what stands for it, in messages. */
  label: string;
  clock: Clock;
  diagnostics: Diagnostics;
}

/**
 * A torrent's info dictionary fetched from the peers `sources` name (BEP 9),
 * on a session of its own listening on `port` (a PortInUseError when it is
 * taken), closed before this returns; or 'stopped' when `stopped` comes first.
 */
export async function metadataFromPeers(options: MetadataFromPeersOptions, stopped: Promise<unknown>): Promise<MetadataOutcome | { kind: 'stopped' }> {
  const { clock, diagnostics } = options;
  const session = new BtSession({ bind: options.bind, port: options.port, clock, diagnostics });
  await session.listen();
  const swarm = new MetadataSwarm({
    infoHash: options.infoHash,
    localPeerId: options.localPeerId,
    listenPort: options.port,
    clientVersion: `swarmlab ${packageVersion()}`,
    label: options.label,
    dial: (host, port) => session.dial(host, port),
    sources: options.sources,
    clock,
    diagnostics,
  });
  swarm.start();
  try {
    return await Promise.race([swarm.outcome, stopped.then(() => ({ kind: 'stopped' as const }))]);
  } finally {
    await swarm.stop();
    await session.close();
  }
}
