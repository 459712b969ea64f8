import { existsSync } from 'fs';
import * as path from 'path';
import { systemClock } from '../common/Clock.js';
import { systemRandom } from '../common/Random.js';
import type { Config } from '../config/Config.js';
import type { PeerInfo } from '../config/PeerInfo.js';
import { peerDirectory } from '../config/peerDirectory.js';
import { PieceLayout } from '../core/PieceLayout.js';
import { loadMetaInfoForConfig } from '../metainfo/forConfig.js';
import type { MetaInfo } from '../metainfo/MetaInfo.js';
import { MetaInfoError } from '../metainfo/MetaInfoError.js';
import { PieceVerifier } from '../metainfo/PieceVerifier.js';
import { FileMap } from '../storage/FileMap.js';
import { resumePath } from '../storage/ResumeState.js';
import { TorrentStore, type TorrentStart } from '../storage/TorrentStore.js';
import { BT_UPLOAD_SLOTS, OPTIMISTIC_INTERVAL_MS, RECHOKE_INTERVAL_MS } from '../torrent/BtChoker.js';
import { BtPeerNode, LOCAL_DHT_ROUND_MS } from './btPeer/BtPeerNode.js';
import { listedPeerId } from './btPeer/listedPeerId.js';
import { metadataFromPeers } from './bt/metadataFromPeers.js';
import { peerDiscoveryOf } from '../config/CommonConfig.js';
import type { DhtNode } from '../dht/DhtNode.js';
import { DhtPeerSource } from '../dht/DhtPeerSource.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import { metaInfoFromInfoDictionary } from '../magnet/infoDictionary.js';
import { listenAddressFor } from '../net/hosts.js';
import { peerIdVersion } from '../wire/bt/PeerId.js';
import { ExitCode } from './exitCodes.js';
import { fatalOn, storeFailure } from './fatal.js';
import { rateLimitsFrom } from './peerLimits.js';
import { isRestart, openDebugLog, reportStartup } from './peerStartup.js';
import type { RunPeerOptions } from './runPeer.js';
import { superviseNode } from './superviseNode.js';
import { packageVersion } from './version.js';

/**
 * One peer of a `Protocol bittorrent` set-up: the file of Common.cfg in
 * peers/peer_<id>/, checked against the .torrent named by MetaInfo (a seeder
 * opens it in seed mode), traded over standard BitTorrent with the peers of
 * PeerInfo.cfg and the tracker's, until every listed peer is complete. Its
 * log is the debug log (connections, why they ended, tracker replies): the
 * spec's sentences belong to the course protocol.
 */
export async function runBtPeer(options: RunPeerOptions, config: Config, self: PeerInfo): Promise<number> {
  // Common.cfg refuses `Protocol bittorrent` without a MetaInfo key: there is one.
  let meta = (await fatalOn(MetaInfoError, ExitCode.BadMetaInfo, () => loadMetaInfoForConfig(config))) as MetaInfo;
  const { fileName } = config.common;
  const peerDir = peerDirectory(options.peersDir, self.peerId);
  const resumeFile = resumePath(path.join(peerDir, fileName));
  const restarted = isRestart(options, self, existsSync(resumeFile));
  const diag = await openDebugLog(options, self, restarted);
  // The DHT's code is loaded only for a set-up that uses it.
  const dht = peerDiscoveryOf(config.common) === 'dht' ? await (await import('./btPeer/localDht.js')).startLocalDht(self, config.peers, peerDir, systemClock, diag) : undefined;
  // A leecher of a DHT set-up takes only the info-hash from the .torrent, as a magnet link gives it, and fetches the rest.
  if (dht && !self.hasFile && !restarted) {
    const { infoHash } = meta;
    meta = (await fatalOn(MetaInfoError, ExitCode.BadMetaInfo, () => metaInfoFromPeers(infoHash, self, dht, diag))) as MetaInfo;
  }
  reportStartup(diag, config, new PieceLayout(meta.length, meta.pieceLength), meta);
  diag.info(
    `protocol: BitTorrent (BEP 3, 6, 10) in 16 KiB blocks, rarest first; ${BT_UPLOAD_SLOTS} upload slots re-chosen every ${RECHOKE_INTERVAL_MS / 1000} s, ` +
      `an optimistic one every ${OPTIMISTIC_INTERVAL_MS / 1000} s (Common.cfg's k, p and m are the course's); ` +
      (dht ? 'peers found through the DHT alone (PeerDiscovery dht)' : `trackers: ${meta.trackerTiers.flat().join(', ') || 'none'}, and the peers of PeerInfo.cfg`),
  );
  const courseOnly = [
    ...(['RequestStrategy', 'MaxRequestsPerPeer'] as const).filter((key) => config.common.extras.has(key)),
    ...(options.requestStrategy ? ['--request-strategy'] : []),
    ...(options.maxRequestsPerPeer ? ['--max-requests-per-peer'] : []),
  ];
  for (const setting of courseOnly) diag.warn(`${setting} is for course peers, ignored here: a BitTorrent peer pipelines its block requests itself`);

  let store: TorrentStore;
  try {
    store = await TorrentStore.open({
      root: peerDir,
      // The file goes where the launcher's copy check looks, whatever name the .torrent gives it.
      map: new FileMap([{ path: [fileName], length: meta.length }], meta.pieceLength),
      checker: new PieceVerifier(meta),
      mode: self.hasFile ? 'seed' : 'download',
      resumeFile,
      clock: systemClock,
    });
  } catch (error) {
    await diag.close();
    throw storeFailure(error, self, config, path.join(peerDir, fileName));
  }
  diag.info(`our bitfield: ${store.bitfield.count}/${meta.pieceCount} pieces; file ${path.join(peerDir, fileName)}; ${describeStart(store.start, self.hasFile)}`);

  const node = new BtPeerNode({
    self,
    peers: config.peers,
    meta,
    store,
    checker: new PieceVerifier(meta),
    clock: systemClock,
    random: systemRandom,
    diag,
    version: packageVersion(),
    rateLimits: rateLimitsFrom(config, options.rateLimits),
    resumed: restarted,
    traceMessages: options.logLevel === 'debug',
    dht,
  });
  void node.finished.then(() => dht?.stop());
  return superviseNode(node, { options, self, diag, closeLogs: () => diag.close(), store });
}

/** The torrent behind `infoHash`, fetched from the peers the DHT names (BEP 9), on our peer port. */
async function metaInfoFromPeers(infoHash: Buffer, self: PeerInfo, dht: DhtNode, diag: Diagnostics): Promise<MetaInfo> {
  const localPeerId = listedPeerId(self.peerId, systemRandom, peerIdVersion(packageVersion()));
  const source = new DhtPeerSource({ node: dht, infoHash, peerId: localPeerId, port: self.port, peerCount: () => 0, clock: systemClock, diagnostics: diag, roundEveryMs: LOCAL_DHT_ROUND_MS });
  const label = `magnet:?xt=urn:btih:${infoHash.toString('hex')}`;
  diag.info(`fetching the torrent of ${label} from peers found through the DHT`);
  const outcome = await metadataFromPeers({ infoHash, localPeerId, bind: listenAddressFor(self.host), port: self.port, sources: [source], label, clock: systemClock, diagnostics: diag }, new Promise(() => {}));
  if (outcome.kind !== 'complete') throw new MetaInfoError(label, outcome.kind === 'unusable' ? outcome.problem : 'stopped before the metadata came');
  diag.info(`got the metadata of ${outcome.name} (${outcome.infoDictionary.length} bytes) from peers`);
  return metaInfoFromInfoDictionary(outcome.infoDictionary, label);
}

function describeStart(start: TorrentStart, seeder: boolean): string {
  switch (start.kind) {
    case 'resumed':
      return seeder ? 'seeding the complete file (as the resume state says)' : `resumed ${start.pieces} pieces from the resume state`;
    case 'rechecked':
      return `checked the file against the metainfo (${start.why}): ${start.pieces} good pieces`;
    case 'fresh':
      return 'starting from nothing';
  }
}
