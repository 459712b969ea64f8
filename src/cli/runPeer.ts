import { existsSync, promises as fs } from 'fs';
import * as path from 'path';
import { systemClock } from '../common/Clock.js';
import { systemRandom } from '../common/Random.js';
import { ConfigError, formatWarning } from '../config/ConfigError.js';
import { findPeer, loadConfig, type Config } from '../config/Config.js';
import { RATE_KEYS, type RateKey, type RequestStrategy } from '../config/CommonConfig.js';
import { parseRate } from '../config/values.js';
import type { RateLimitSettings } from '../node/RateLimits.js';
import type { PeerInfo } from '../config/PeerInfo.js';
import { DiagnosticLog, debugLogPath, type DiagnosticLevel } from '../log/DiagnosticLog.js';
import { openProtocolLog, protocolLogPath } from '../log/ProtocolLogger.js';
import { loadMetaInfoForConfig } from '../metainfo/forConfig.js';
import type { MetaInfo } from '../metainfo/MetaInfo.js';
import { MetaInfoError } from '../metainfo/MetaInfoError.js';
import { PieceVerifier } from '../metainfo/PieceVerifier.js';
import { PortInUseError } from '../net/Listener.js';
import { PeerNode } from '../node/PeerNode.js';
import { PieceLayout } from '../core/PieceLayout.js';
import { PieceStore, type StoreStart } from '../storage/PieceStore.js';
import { resumePath } from '../storage/ResumeState.js';
import { StorageError } from '../storage/StorageError.js';
import { ExitCode } from './exitCodes.js';
import { peerDirectory } from '../config/peerDirectory.js';
import { launcherWantsSentences, linkToLauncher } from './launcherLink.js';
import { controllerFor, type PeerController } from '../control/PeerController.js';
import type { LocalServer } from '../control/localHttp.js';
import { SentenceBuffer } from '../control/SentenceBuffer.js';
import type { PeerMetrics } from '../metrics/PeerMetrics.js';

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

/** A failure that ends the process with its own exit code and a one-line reason. */
class Fatal extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
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
    if (error instanceof StorageError) throw new Fatal(error.message + seedFileHint(error, self, config), error.code === 'io' ? ExitCode.Storage : ExitCode.SeedFile);
    throw error;
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
  describeLimits(logs.diag, node.rateLimits.current);
  // A config reload on SIGHUP changes the rate limits while running.
  const reload = () => {
    try {
      node.rateLimits.update(rateLimitsFrom(loadConfig(options.configDir), options.rateLimits));
      describeLimits(logs.diag, node.rateLimits.current);
    } catch (error) {
      logs.diag.error(`SIGHUP: rate limits unchanged: ${(error as Error).message}`);
    }
  };
  process.on('SIGHUP', reload);
  // Transfer totals are kept across runs in the resume state.
  node.bus.on('pieceDownloaded', ({ bytes }) => store.recordTransfer(bytes, 0));
  node.bus.on('pieceUploaded', ({ bytes }) => store.recordTransfer(0, bytes));
  let interrupted = false;
  const interrupt = (signal: string) => {
    interrupted = true;
    logs.diag.warn(`${signal} received: closing connections`);
    void node.stop({ kind: 'failed', error: new Error(signal) });
  };
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  // A reload after the end has nothing to reload. A late SIGINT or SIGTERM keeps its handler (Node's default would kill the
  // process mid-flush); what it logs after the close is dropped by DiagnosticLog.
  const closeLogs = () => {
    process.off('SIGHUP', reload);
    return logs.close();
  };
  const controller = controllerFor(node, {
    stop: () => interrupt('stop command'),
    limitsChanged: () => describeLimits(logs.diag, node.rateLimits.current),
  });
  // prom-client and its dependencies cost memory and start-up time: loaded only when metrics are asked for.
  const metrics = options.metricsPort === undefined ? undefined : new (await import('../metrics/PeerMetrics.js')).PeerMetrics(self.peerId, node.bus, () => node.status());
  const launcherLink = linkToLauncher({ node, controller, peerId: self.peerId, pieceCount: layout.pieceCount, piecesHeld: () => store.bitfield.count, sentences });

  try {
    await node.start();
  } catch (error) {
    // Nothing may keep the process alive now: its exit code and reason are the launcher's news.
    launcherLink.close();
    await store.close();
    await closeLogs();
    if (error instanceof PortInUseError) throw new Fatal(error.message, ExitCode.PortInUse);
    throw error;
  }
  logs.diag.info(`listening on port ${self.port}`);
  const servers = await startLocalServers(options, controller, metrics, logs.diag);
  if (store.start.kind === 'recheck' && verifier) await recheck(store, verifier, node, logs.diag, self.hasFile);
  const outcome = await node.finished;
  await Promise.all(servers.map((server) => server.close()));
  await launcherLink.finish();
  logs.diag.info(`totals over every run: ${store.totals.bytesDownloaded} bytes downloaded, ${store.totals.bytesUploaded} uploaded`);
  await closeLogs();
  if (interrupted) return ExitCode.Interrupted;
  if (outcome.kind === 'failed') {
    process.stderr.write(`peerProcess ${self.peerId}: ${outcome.error.message}\n`);
    return outcome.error instanceof StorageError ? ExitCode.Storage : ExitCode.Internal;
  }
  return ExitCode.Ok;
}

/**
 * The control interface and the metrics, each on 127.0.0.1 only. A port that
 * cannot be bound costs the feature, not the transfer: the peer runs on.
 */
async function startLocalServers(options: RunPeerOptions, controller: PeerController, metrics: PeerMetrics | undefined, diag: DiagnosticLog): Promise<LocalServer[]> {
  const servers: LocalServer[] = [];
  const start = async (what: string, port: number | undefined, serve: (port: number) => Promise<LocalServer>) => {
    if (port === undefined) return;
    try {
      const server = await serve(port);
      servers.push(server);
      diag.info(`${what} at ${server.url}`);
    } catch (error) {
      diag.error(`${what} not started on 127.0.0.1:${port}: ${(error as Error).message}`);
    }
  };
  if (options.controlPort !== undefined) {
    const { startControlServer } = await import('../control/ControlServer.js');
    await start('control interface', options.controlPort, (port) => startControlServer(port, controller));
  }
  if (metrics) {
    const { startMetricsServer } = await import('../metrics/MetricsServer.js');
    await start('metrics', options.metricsPort, (port) => startMetricsServer(port, metrics));
  }
  return servers;
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

const RATE_SETTING: Record<RateKey, keyof RateLimitSettings> = {
  MaxUploadRate: 'uploadBytesPerSecond',
  MaxDownloadRate: 'downloadBytesPerSecond',
  MaxNeighbourUploadRate: 'neighbourUploadBytesPerSecond',
  MaxNeighbourDownloadRate: 'neighbourDownloadBytesPerSecond',
};

/** Rate limits: the flags where given (the command line wins, as everywhere), else Common.cfg's keys. */
function rateLimitsFrom(config: Config, flags: RateLimitSettings = {}): RateLimitSettings {
  const settings: RateLimitSettings = {};
  for (const key of RATE_KEYS) {
    const text = config.common.extras.get(key);
    const setting = RATE_SETTING[key];
    settings[setting] = flags[setting] ?? (text === undefined ? undefined : parseRate(text));
  }
  return settings;
}

function describeLimits(diag: DiagnosticLog, limits: RateLimitSettings): void {
  const show = (rate: number | undefined) => (rate === undefined ? 'unlimited' : `${rate} B/s`);
  diag.info(
    `rate limits: upload ${show(limits.uploadBytesPerSecond)} (per neighbour ${show(limits.neighbourUploadBytesPerSecond)}), ` +
      `download ${show(limits.downloadBytesPerSecond)} (per neighbour ${show(limits.neighbourDownloadBytesPerSecond)})`,
  );
}

/** A peer restarted after a crash continues its logs instead of replacing them. */
async function openLogs(options: RunPeerOptions, self: PeerInfo, resuming: boolean, sentences: SentenceBuffer | undefined) {
  await fs.mkdir(options.logDir, { recursive: true });
  // A leecher with a resume state is a restart; a seeder has none, so the launcher says so.
  const append = options.appendLogs === true || (resuming && !self.hasFile);
  const diag = new DiagnosticLog({
    peerId: self.peerId,
    logFile: debugLogPath(options.logDir, self.peerId),
    append,
    level: options.logLevel,
    clock: systemClock,
    console: true,
  });
  const tap = (sentence: string, perMessage: boolean) => {
    // Every sentence but the many 'have' and interest lines, whose times the report does not draw.
    if (!perMessage) diag.repeat(sentence);
    sentences?.add(sentence);
  };
  const protocol = openProtocolLog(self.peerId, protocolLogPath(options.logDir, self.peerId), systemClock, append, tap);
  return { diag, protocol, close: () => Promise.all([diag.close(), protocol.close()]) };
}

/** The rubric's "config read and variables set", for the debug log and the console. */
function reportStartup(diag: DiagnosticLog, config: Config, layout: PieceLayout, meta: MetaInfo | undefined): void {
  const { common } = config;
  diag.info(
    `config read from ${config.dir}: NumberOfPreferredNeighbors=${common.numberOfPreferredNeighbors} ` +
      `UnchokingInterval=${common.unchokingIntervalMs / 1000}s OptimisticUnchokingInterval=${common.optimisticUnchokingIntervalMs / 1000}s ` +
      `FileName=${common.fileName} FileSize=${common.fileSize} PieceSize=${common.pieceSize} pieces=${layout.pieceCount} ` +
      `(last piece ${layout.pieceLength(layout.pieceCount - 1)} bytes)`,
  );
  diag.info(`peers: ${config.peers.map((p) => `${p.peerId}@${p.host}:${p.port}${p.hasFile ? ' (seeder)' : ''}`).join(', ')}`);
  if (meta) diag.info(`metainfo: info-hash ${meta.infoHash.toString('hex')}; every piece is checked against its SHA-1`);
  for (const warning of config.warnings) diag.warn(formatWarning(warning));
}

/**
 * Checks the file against the metainfo while the node already accepts
 * connections; each good piece is announced as it is found. A seeder serves
 * the good pieces and names the bad ones.
 */
async function recheck(store: PieceStore, verifier: PieceVerifier, node: PeerNode, diag: DiagnosticLog, seeder: boolean): Promise<void> {
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

/** What a seeder run by hand without its file (or with the wrong one) should do about it. */
function seedFileHint(error: StorageError, self: PeerInfo, config: Config): string {
  if (error.code === 'io') return '';
  return (
    `. Peer ${self.peerId} is a seeder (hasFile 1 in PeerInfo.cfg): put the ${config.common.fileSize}-byte ${config.common.fileName} at ${error.file}, ` +
    'or let the launcher create one of random bytes: swarmlab swarm --make-file'
  );
}

/** Turns one kind of error into a Fatal with its exit code. */
async function fatalOn<T>(errorClass: new (...args: never[]) => Error, exitCode: number, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof errorClass) throw new Fatal(error.message, exitCode);
    throw error;
  }
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
