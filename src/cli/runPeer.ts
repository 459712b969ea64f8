import { existsSync } from 'fs';
import * as path from 'path';
import { systemClock } from '../common/Clock.js';
import { systemRandom } from '../common/Random.js';
import { ConfigError } from '../config/ConfigError.js';
import { findPeer, loadConfig, type Config } from '../config/Config.js';
import { protocolOf, type RequestStrategy } from '../config/CommonConfig.js';
import type { RateLimitSettings } from '../node/RateLimits.js';
import type { PeerInfo } from '../config/PeerInfo.js';
import type { DiagnosticLevel, Diagnostics } from '../log/DiagnosticLog.js';
import { openProtocolLog, protocolLogPath } from '../log/ProtocolLogger.js';
import { loadMetaInfoForConfig } from '../metainfo/forConfig.js';
import { MetaInfoError } from '../metainfo/MetaInfoError.js';
import { PieceVerifier } from '../metainfo/PieceVerifier.js';
import { PeerNode } from '../node/PeerNode.js';
import { PieceLayout } from '../core/PieceLayout.js';
import { PieceStore, type StoreStart } from '../storage/PieceStore.js';
import { resumePath } from '../storage/ResumeState.js';
import { ExitCode } from './exitCodes.js';
import { Fatal, fatalOn, storeFailure } from './fatal.js';
import { rateLimitsFrom } from './peerLimits.js';
import { superviseNode } from './superviseNode.js';
import { isRestart, openDebugLog, reportStartup } from './peerStartup.js';
import { peerDirectory } from '../config/peerDirectory.js';
import { launcherWantsSentences } from './launcherLink.js';
import { SentenceBuffer } from '../control/SentenceBuffer.js';

export interface RunPeerOptions {
  peerId: number;
  configDir: string;
  peersDir: string;
  logDir: string;
  logLevel: DiagnosticLevel;
  /** Overrides Common.cfg's RequestStrategy / MaxRequestsPerPeer. */
  requestStrategy?: RequestStrategy;
  maxRequestsPerPeer?: number;
  /** Rate limits from flags, in bytes per second; they win over Common.cfg's rate keys, at start and on SIGHUP. */
  rateLimits?: RateLimitSettings;
  /** Continue the logs of an earlier run (the launcher restarting a crashed peer) instead of starting them anew. */
  appendLogs?: boolean;
  /** Serve the control interface (status, pause, resume, limits, stop) on 127.0.0.1 at this port; 0 for any free one. */
  controlPort?: number;
  /** Serve Prometheus metrics on 127.0.0.1 at this port; 0 for any free one. */
  metricsPort?: number;
}

/** Runs one peer to the end and returns the process's exit code. */
export async function runPeer(options: RunPeerOptions): Promise<number> {
  try {
    return await runPeerOrThrow(options);
  } catch (error) {
    if (error instanceof Fatal) {
      process.stderr.write(`peerProcess ${options.peerId}: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

async function runPeerOrThrow(options: RunPeerOptions): Promise<number> {
  const config = await fatalOn(ConfigError, ExitCode.Config, () => loadConfig(options.configDir));
  const self = await fatalOn(ConfigError, ExitCode.Config, () => findPeer(config, options.peerId));
  // The BitTorrent engine is loaded only by BitTorrent peers: start-up time matters to every course peer.
  if (protocolOf(config.common) === 'bittorrent') return (await import('./runBtPeer.js')).runBtPeer(options, config, self);
  const meta = await fatalOn(MetaInfoError, ExitCode.BadMetaInfo, () => loadMetaInfoForConfig(config));
  const layout = new PieceLayout(config.common.fileSize, config.common.pieceSize);
  const peerDir = peerDirectory(options.peersDir, self.peerId);
  const sentences = launcherWantsSentences() ? new SentenceBuffer() : undefined;
  const logs = await openLogs(options, self, existsSync(resumePath(path.join(peerDir, config.common.fileName))), sentences);
  reportStartup(logs.diag, config, layout, meta);

  const verifier = meta && new PieceVerifier(meta);
  let store: PieceStore;
  try {
    store = await PieceStore.open({ dir: peerDir, fileName: config.common.fileName, layout, complete: self.hasFile, verifier });
  } catch (error) {
    await logs.close();
    throw storeFailure(error, self, config, path.join(peerDir, config.common.fileName));
  }
  logs.diag.info(`our bitfield: ${store.bitfield.count}/${layout.pieceCount} pieces; file ${store.path}; ${describeStart(store.start)}`);

  const requests = requestOptions(options, config);
  logs.diag.info(`request strategy: ${requests.requestStrategy ?? 'course'}${requests.maxRequestsPerPeer ? `, up to ${requests.maxRequestsPerPeer} requests in flight per neighbour` : ''}`);
  const node = new PeerNode({
    self,
    peers: config.peers,
    preferredNeighbours: config.common.numberOfPreferredNeighbors,
    unchokingIntervalMs: config.common.unchokingIntervalMs,
    optimisticUnchokingIntervalMs: config.common.optimisticUnchokingIntervalMs,
    layout,
    pieces: store,
    clock: systemClock,
    random: systemRandom,
    log: logs.protocol.log,
    diag: logs.diag,
    verifier,
    ...requests,
    rateLimits: rateLimitsFrom(config, options.rateLimits),
    resumed: store.start.kind === 'resumed',
  });
  // Transfer totals are kept across runs in the resume state.
  node.bus.on('pieceDownloaded', ({ bytes }) => store.recordTransfer(bytes, 0));
  node.bus.on('pieceUploaded', ({ bytes }) => store.recordTransfer(0, bytes));
  return superviseNode(node, {
    options,
    self,
    diag: logs.diag,
    closeLogs: logs.close,
    store,
    sentences,
    afterStart: async () => {
      if (store.start.kind === 'recheck' && verifier) await recheck(store, verifier, node, logs.diag, self.hasFile);
    },
  });
}

/** The request strategy: the flag, else Common.cfg, else the course's rule. */
function requestOptions(options: RunPeerOptions, config: Config): { requestStrategy?: RequestStrategy; maxRequestsPerPeer?: number } {
  const fromConfig = config.common.extras.get('RequestStrategy') as RequestStrategy | undefined;
  const maxFromConfig = config.common.extras.get('MaxRequestsPerPeer');
  return {
    requestStrategy: options.requestStrategy ?? fromConfig,
    maxRequestsPerPeer: options.maxRequestsPerPeer ?? (maxFromConfig === undefined ? undefined : Number(maxFromConfig)),
  };
}


/** A peer restarted after a crash continues its logs instead of replacing them. */
async function openLogs(options: RunPeerOptions, self: PeerInfo, resuming: boolean, sentences: SentenceBuffer | undefined) {
  const append = isRestart(options, self, resuming);
  const diag = await openDebugLog(options, self, append);
  const tap = (sentence: string, perMessage: boolean) => {
    // Every sentence but the many 'have' and interest lines, whose times the report does not draw.
    if (!perMessage) diag.repeat(sentence);
    sentences?.add(sentence);
  };
  const protocol = openProtocolLog(self.peerId, protocolLogPath(options.logDir, self.peerId), systemClock, append, tap);
  return { diag, protocol, close: async () => void (await Promise.all([diag.close(), protocol.close()])) };
}

/**
 * Checks the file against the metainfo while the node already accepts
 * connections; each good piece is announced as it is found. A seeder serves
 * the good pieces and names the bad ones.
 */
async function recheck(store: PieceStore, verifier: PieceVerifier, node: PeerNode, diag: Diagnostics, seeder: boolean): Promise<void> {
  let nextReport = 10;
  const failed = await store.recheck(
    verifier,
    (index) => node.announce(index),
    ({ bytesDone }) => {
      const percent = (100 * bytesDone) / store.layout.fileSize;
      if (percent < nextReport) return;
      diag.info(`checking ${store.path} against the metainfo: ${percent.toFixed(0)}% (${store.bitfield.count} good pieces so far)`);
      nextReport = Math.floor(percent / 10) * 10 + 10;
    },
  );
  const summary = `${store.bitfield.count} of ${store.layout.pieceCount} pieces pass their SHA-1 check`;
  if (failed.length === 0) diag.info(`check done: ${summary}`);
  else if (seeder) diag.warn(`check done: ${summary}; pieces ${failed.join(', ')} fail and are not served`);
  else diag.info(`check done: ${summary}; the other ${failed.length} will be downloaded`);
}

function describeStart(start: StoreStart): string {
  switch (start.kind) {
    case 'seed':
      return 'seeding the complete file';
    case 'resumed':
      return `resumed ${start.pieces} pieces from the resume state`;
    case 'recheck':
      return `checking the file against the metainfo${start.why ? ` (${start.why})` : ''}`;
    case 'fresh':
      return `starting from nothing (${start.why})`;
  }
}
