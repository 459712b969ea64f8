import { promises as fs } from 'fs';
import * as path from 'path';
import { systemClock } from '../../common/Clock.js';
import { systemRandom } from '../../common/Random.js';
import { MagnetError, parseMagnetLink, type MagnetLink } from '../../magnet/MagnetLink.js';
import { torrentFileBytes } from '../../magnet/torrentFile.js';
import { parseMetaInfo, type MetaInfo } from '../../metainfo/MetaInfo.js';
import { dialFromAddress } from '../../net/hosts.js';
import { PortInUseError } from '../../net/Listener.js';
import { replaceAtomically } from '../../storage/atomicFile.js';
import type { DiscoveredPeer, PeerSource } from '../../swarm/PeerSource.js';
import { StaticPeerSource } from '../../swarm/StaticPeerSource.js';
import { TrackerSource } from '../../swarm/tracker/TrackerSource.js';
import { makePeerId, peerIdVersion } from '../../wire/bt/PeerId.js';
import { ExitCode } from '../exitCodes.js';
import { packageVersion } from '../version.js';
import type { TransferArgs, TransferIo } from './runTransfer.js';
import { metadataFromPeers } from './metadataFromPeers.js';
import { startDht } from './startDht.js';

/** A magnet link's torrent, and the peers already known for it (the link's `x.pe`, those met while fetching). */
export interface MagnetTorrent {
  meta: MetaInfo;
  peers: DiscoveredPeer[];
}

/** Where the .torrent of a magnet link is kept once fetched: beside the resume state, so a restart needs no peer for it. */
export function savedTorrentPath(dir: string, infoHash: Buffer): string {
  return path.join(dir, '.swarmlab', `${infoHash.toString('hex')}.torrent`);
}

/**
 * `swarmlab download MAGNET`'s first step: the torrent behind the link, from
 * DIR/.swarmlab/<info-hash>.torrent when an earlier run saved it, else
 * fetched from peers (BEP 9) that the link's trackers, its `x.pe` peers and
 * the DHT name, checked against the info-hash, and saved there. Returns an
 * exit code when it cannot: a bad link or an unusable torrent (8), the port
 * taken (5), stopped by a signal first (130).
 */
export async function magnetTorrent(args: TransferArgs, io: TransferIo): Promise<MagnetTorrent | number> {
  let link: MagnetLink;
  try {
    link = parseMagnetLink(args.torrent);
  } catch (error) {
    if (!(error instanceof MagnetError)) throw error;
    io.err(`${args.mode}: ${error.message}`);
    return ExitCode.BadMetaInfo;
  }
  for (const note of link.notes) io.err(`${args.mode}: ${note}`);
  const linkPeers = link.peers.map((peer) => ({ ...peer, source: 'static' as const }));
  const saved = await readSavedTorrent(savedTorrentPath(args.dir, link.infoHash), link.infoHash);
  if (saved) return { meta: saved, peers: linkPeers };
  const fetched = await fetchMetadata(args, io, link, linkPeers);
  if (typeof fetched === 'number') return fetched;
  const file = savedTorrentPath(args.dir, link.infoHash);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const bytes = torrentFileBytes(fetched.infoDictionary, link.trackers);
  await replaceAtomically(file, bytes);
  io.out.write(`got the metadata of ${fetched.name} (${fetched.infoDictionary.length} bytes) from peers; saved as ${file}\n`);
  return { meta: parseMetaInfo(bytes, file), peers: [...linkPeers, ...fetched.peers] };
}

/** A .torrent an earlier run saved for this info-hash; undefined when there is none, or it is not that torrent (fetched again). */
async function readSavedTorrent(file: string, infoHash: Buffer): Promise<MetaInfo | undefined> {
  try {
    const meta = parseMetaInfo(await fs.readFile(file), file);
    return meta.infoHash.equals(infoHash) ? meta : undefined;
  } catch {
    return undefined;
  }
}

async function fetchMetadata(
  args: TransferArgs,
  io: TransferIo,
  link: MagnetLink,
  linkPeers: DiscoveredPeer[],
): Promise<{ infoDictionary: Buffer; name: string; peers: DiscoveredPeer[] } | number> {
  const clock = systemClock;
  const dht = await startDht(args, false, clock, io.diagnostics);
  const localPeerId = makePeerId(systemRandom, peerIdVersion(packageVersion()));
  const sources: PeerSource[] = [new StaticPeerSource(linkPeers)];
  if (link.trackers.length > 0) {
    sources.push(
      new TrackerSource({
        infoHash: link.infoHash,
        peerId: localPeerId,
        port: args.port,
        tiers: link.trackers.map((tracker) => [tracker]),
        // Nothing moved yet, and the size is unknown until the metadata comes.
        stats: () => ({ uploaded: 0, downloaded: 0, left: 0 }),
        clock,
        random: systemRandom,
        diagnostics: io.diagnostics,
        localAddress: dialFromAddress(args.bind),
      }),
    );
  }
  if (dht) {
    const { dhtPeerSourceFor } = await import('../../dht/DhtPeerSource.js');
    const source = dhtPeerSourceFor({ isPrivate: false }, { node: dht, infoHash: link.infoHash, peerId: localPeerId, port: args.port, peerCount: () => 0, clock, diagnostics: io.diagnostics });
    if (source) sources.push(source);
  }
  io.out.write(`fetching the metadata of ${link.displayName ?? link.infoHash.toString('hex')} from peers\n`);
  try {
    const outcome = await metadataFromPeers({ infoHash: link.infoHash, localPeerId, bind: args.bind, port: args.port, sources, label: args.torrent, clock, diagnostics: io.diagnostics }, io.stopped);
    if (outcome.kind === 'stopped') return ExitCode.Interrupted;
    if (outcome.kind === 'unusable') {
      io.err(`${args.mode}: ${outcome.problem}`);
      return ExitCode.BadMetaInfo;
    }
    return { infoDictionary: outcome.infoDictionary, name: outcome.name, peers: outcome.peers };
  } catch (error) {
    if (!(error instanceof PortInUseError)) throw error;
    io.err(`${args.mode}: ${error.message}; choose another with --port`);
    return ExitCode.PortInUse;
  } finally {
    await dht?.stop();
  }
}
