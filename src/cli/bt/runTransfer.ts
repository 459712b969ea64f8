import * as path from 'path';
import { systemClock } from '../../common/Clock.js';
import { systemRandom } from '../../common/Random.js';
import type { Diagnostics } from '../../log/DiagnosticLog.js';
import { parseMetaInfo, type MetaInfo } from '../../metainfo/MetaInfo.js';
import { MetaInfoError } from '../../metainfo/MetaInfoError.js';
import { PieceVerifier } from '../../metainfo/PieceVerifier.js';
import { torrentFacts } from '../../metainfo/torrentFacts.js';
import { readMetaInfoFile } from '../../metainfo/readMetaInfoFile.js';
import { dialFromAddress } from '../../net/hosts.js';
import { PortInUseError } from '../../net/Listener.js';
import { BtSession } from '../../session/BtSession.js';
import { FileMap } from '../../storage/FileMap.js';
import { StorageError } from '../../storage/StorageError.js';
import { TorrentStore } from '../../storage/TorrentStore.js';
import type { DiscoveredPeer } from '../../swarm/PeerSource.js';
import { StaticPeerSource } from '../../swarm/StaticPeerSource.js';
import { TrackerSource } from '../../swarm/tracker/TrackerSource.js';
import { isMagnetLink } from '../../magnet/MagnetLink.js';
import type { Torrent } from '../../torrent/Torrent.js';
import { makePeerId, peerIdVersion } from '../../wire/bt/PeerId.js';
import { ExitCode } from '../exitCodes.js';
import { describeFileError, isFileError } from '../fileErrors.js';
import type { StopSignal } from '../commands/tracker.js';
import { TransferView, type TransferOutput } from '../transfer/TransferView.js';
import type { TransferPhase, TransferSnapshot } from '../transfer/TransferSnapshot.js';
import { transferSummary } from '../transfer/transferSummary.js';
import { packageVersion } from '../version.js';
import { magnetTorrent } from './magnetMetaInfo.js';
import { startDht, type DhtArgs } from './startDht.js';

export interface TransferArgs extends DhtArgs {
  torrent: string;
  /** download: exit once complete unless `keepSeeding`; seed: the data must be complete, seed until stopped. */
  mode: 'download' | 'seed';
  keepSeeding: boolean;
  /** Every message sent and received goes to the debug log (--log, --verbose). */
  traceMessages?: boolean;
}

export interface TransferIo {
  out: TransferOutput;
  err(line: string): void;
  /** Resolves with the signal that asks us to stop. */
  stopped: Promise<StopSignal>;
  diagnostics: Diagnostics;
}

/** How often the progress view gets a new snapshot. */
const SNAPSHOT_MS = 250;

/**
 * `swarmlab download` and `swarmlab seed`: read the torrent, check what DIR
 * holds, trade with the peers its trackers report until the torrent is
 * complete (download) or we are stopped (seed, --seed), then tell the
 * trackers `stopped`. Returns the exit code.
 */
export async function runTransfer(args: TransferArgs, io: TransferIo): Promise<number> {
  const command = args.mode;
  let meta: MetaInfo;
  /** Peers known before any source reports: a magnet link's, and those met while fetching its metadata. */
  let knownPeers: DiscoveredPeer[] = [];
  if (args.mode === 'seed' && isMagnetLink(args.torrent)) {
    io.err('seed: takes a .torrent file, not a magnet link (`swarmlab download MAGNET` fetches the torrent, and keeps it in DIR/.swarmlab/)');
    return ExitCode.Usage;
  }
  if (args.mode === 'download' && isMagnetLink(args.torrent)) {
    const fromLink = await magnetTorrent(args, io);
    if (typeof fromLink === 'number') return fromLink;
    ({ meta, peers: knownPeers } = fromLink);
  } else {
    try {
      meta = parseMetaInfo(await readMetaInfoFile(args.torrent), args.torrent);
    } catch (error) {
      if (!(error instanceof MetaInfoError) && !isFileError(error)) throw error;
      io.err(`${command}: ${error instanceof MetaInfoError ? error.message : describeFileError(args.torrent, error)}`);
      return ExitCode.BadMetaInfo;
    }
  }
  const clock = systemClock;
  const view = new TransferView(io.out, { clock });
  const startedAtMs = clock.now();
  let store: TorrentStore;
  try {
    store = await TorrentStore.open({
      root: args.dir,
      map: new FileMap(meta.files, meta.pieceLength),
      checker: new PieceVerifier(meta),
      mode: args.mode,
      resumeFile: path.join(args.dir, '.swarmlab', `${meta.infoHash.toString('hex')}.resume`),
      clock,
      onHashProgress: (progress) => view.showCheck(progress),
    });
  } catch (error) {
    view.stop();
    if (!(error instanceof StorageError)) throw error;
    io.err(`${command}: ${error.message}`);
    return args.mode === 'seed' ? ExitCode.SeedFile : ExitCode.Storage;
  }

  const session = new BtSession({ bind: args.bind, port: args.port, clock, diagnostics: io.diagnostics });
  try {
    await session.listen();
  } catch (error) {
    await store.close();
    if (!(error instanceof PortInUseError)) throw error;
    io.err(`${command}: ${error.message}; choose another with --port`);
    return ExitCode.PortInUse;
  }

  const random = systemRandom;
  const localPeerId = makePeerId(random, peerIdVersion(packageVersion()));
  let torrent!: Torrent;
  let completedAtMs: number | undefined;
  let finish!: (why: 'complete' | 'storage' | StopSignal) => void;
  const finished = new Promise<'complete' | 'storage' | StopSignal>((resolve) => (finish = resolve));
  const tracker = new TrackerSource({
    infoHash: meta.infoHash,
    peerId: localPeerId,
    port: args.port,
    tiers: meta.trackerTiers,
    stats: () => torrent.stats(),
    clock,
    random,
    diagnostics: io.diagnostics,
    localAddress: dialFromAddress(args.bind),
  });
  const dht = await startDht(args, meta.isPrivate, clock, io.diagnostics);
  const dhtSource = dht && (await import('../../dht/DhtPeerSource.js')).dhtPeerSourceFor(meta, {
    node: dht,
    infoHash: meta.infoHash,
    peerId: localPeerId,
    port: args.port,
    peerCount: () => torrent.status().peersConnected,
    clock,
    diagnostics: io.diagnostics,
  });
  const sources = [...(meta.trackerTiers.length > 0 ? [tracker] : []), ...(dhtSource ? [dhtSource] : []), ...(knownPeers.length > 0 ? [new StaticPeerSource(knownPeers)] : [])];
  torrent = session.add({
    ...torrentFacts(meta),
    data: store,
    localPeerId,
    clientVersion: `swarmlab ${packageVersion()}`,
    random,
    traceMessages: args.traceMessages,
    sources,
    dhtPort: dht?.status().port,
    onDhtNode: (host, port) => dht?.addNode(host, port),
    onComplete: () => {
      completedAtMs ??= clock.now();
      if (args.mode === 'download' && !args.keepSeeding) finish('complete');
    },
    // A disk that cannot take a piece will not take it next time either: stop, say why (exit 6), keep what is written.
    onStorageError: (error) => {
      io.err(`${command}: ${error instanceof Error ? error.message : String(error)}`);
      finish('storage');
    },
  });
  if (sources.length === 0) io.err(`${command}: the torrent names no tracker and the DHT is off, so no peer can be found`);

  let phase: TransferPhase = 'downloading';
  const snapshot = (): TransferSnapshot => ({ ...snapshotOf(meta, torrent, phase, startedAtMs, clock.now()), completedAtMs });
  const cancelView = clock.every(SNAPSHOT_MS, () => {
    phase = torrent.isComplete ? 'seeding' : 'downloading';
    view.show(snapshot());
  });
  torrent.start();
  void io.stopped.then((signal) => finish(signal));
  const why = await finished;

  cancelView();
  phase = 'stopping';
  view.show(snapshot());
  await session.close(); // trackers hear `stopped`
  await dht?.stop(); // after the sources that use it; its routing table is saved for the next run
  await store.close();
  view.stop();
  for (const line of transferSummary(snapshot(), io.out.isTTY ? io.out.columns : undefined)) io.out.write(`${line}\n`);
  if (why === 'complete') return ExitCode.Ok;
  if (why === 'storage') return ExitCode.Storage;
  // Seeding ends only when asked: that is its normal end, whichever signal asked.
  if (args.mode === 'seed' || args.keepSeeding) return torrent.isComplete ? ExitCode.Ok : ExitCode.Interrupted;
  return ExitCode.Interrupted;
}

function snapshotOf(meta: MetaInfo, torrent: Torrent, phase: TransferPhase, startedAtMs: number, atMs: number): TransferSnapshot {
  const status = torrent.status();
  return {
    name: meta.name,
    atMs,
    startedAtMs,
    pieceCount: status.pieceCount,
    piecesDone: status.piecesDone,
    bytesTotal: meta.length,
    bytesDone: meta.length - status.bytesLeft,
    downloadBytesPerSecond: status.downloadBytesPerSecond,
    uploadBytesPerSecond: status.uploadBytesPerSecond,
    peersConnected: status.peersConnected,
    seedsConnected: status.seedsConnected,
    phase,
    peers: status.peers,
  };
}
