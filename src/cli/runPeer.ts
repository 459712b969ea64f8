import { existsSync, promises as fs } from 'fs';
import * as path from 'path';
import { systemClock } from '../common/Clock';
import { systemRandom } from '../common/Random';
import { ConfigError } from '../config/ConfigError';
import { findPeer, loadConfig } from '../config/Config';
import { formatWarning } from '../config/ConfigError';
import { DiagnosticLog, debugLogPath, type DiagnosticLevel } from '../log/DiagnosticLog';
import { openProtocolLog, protocolLogPath } from '../log/ProtocolLogger';
import { PortInUseError } from '../net/Listener';
import { PeerNode } from '../node/PeerNode';
import { PieceLayout } from '../storage/Piece';
import { PieceStore, type StoreStart } from '../storage/PieceStore';
import { resumePath } from '../storage/ResumeState';
import { StorageError } from '../storage/StorageError';
import { ExitCode } from './exitCodes';
import { linkToLauncher } from './launcherLink';

export interface RunPeerOptions {
  peerId: number;
  configDir: string;
  peersDir: string;
  logDir: string;
  logLevel: DiagnosticLevel;
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

export function peerDirectory(peersDir: string, peerId: number): string {
  return path.join(peersDir, `peer_${peerId}`);
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
  const config = readConfig(options);
  const self = findPeerOrFatal(config, options.peerId);
  const { common } = config;
  await fs.mkdir(options.logDir, { recursive: true });
  const peerDir = peerDirectory(options.peersDir, self.peerId);
  // A peer restarted after a crash continues its logs instead of replacing them.
  const resuming = !self.hasFile && existsSync(resumePath(path.join(peerDir, common.fileName)));
  const diag = new DiagnosticLog({
    peerId: self.peerId,
    logFile: debugLogPath(options.logDir, self.peerId),
    append: resuming,
    level: options.logLevel,
    clock: systemClock,
    console: true,
  });
  const protocolLog = openProtocolLog(self.peerId, protocolLogPath(options.logDir, self.peerId), systemClock, resuming);
  const closeLogs = () => Promise.all([diag.close(), protocolLog.close()]);

  const layout = new PieceLayout(common.fileSize, common.pieceSize);
  diag.info(
    `config read from ${config.dir}: NumberOfPreferredNeighbors=${common.numberOfPreferredNeighbors} ` +
      `UnchokingInterval=${common.unchokingIntervalMs / 1000}s OptimisticUnchokingInterval=${common.optimisticUnchokingIntervalMs / 1000}s ` +
      `FileName=${common.fileName} FileSize=${common.fileSize} PieceSize=${common.pieceSize} pieces=${layout.pieceCount} ` +
      `(last piece ${layout.pieceLength(layout.pieceCount - 1)} bytes)`,
  );
  diag.info(`peers: ${config.peers.map((p) => `${p.peerId}@${p.host}:${p.port}${p.hasFile ? ' (seeder)' : ''}`).join(', ')}`);
  for (const warning of config.warnings) diag.warn(formatWarning(warning));

  let store: PieceStore;
  try {
    store = await PieceStore.open({
      dir: peerDir,
      fileName: common.fileName,
      layout,
      complete: self.hasFile,
    });
  } catch (error) {
    await closeLogs();
    throw storageFatal(error);
  }
  diag.info(`our bitfield: ${store.bitfield.count}/${layout.pieceCount} pieces (${store.bitfield.toRanges()}); file ${store.path}; ${describeStart(store.start)}`);

  const node = new PeerNode({
    self,
    peers: config.peers,
    preferredNeighbours: common.numberOfPreferredNeighbors,
    unchokingIntervalMs: common.unchokingIntervalMs,
    optimisticUnchokingIntervalMs: common.optimisticUnchokingIntervalMs,
    layout,
    pieces: store,
    clock: systemClock,
    random: systemRandom,
    log: protocolLog.log,
    diag,
  });
  const finishLauncherLink = linkToLauncher(node, self.peerId, layout.pieceCount, () => store.bitfield.count);
  let interrupted = false;
  const interrupt = (signal: string) => {
    interrupted = true;
    diag.warn(`${signal} received: closing connections`);
    void node.stop({ kind: 'failed', error: new Error(signal) });
  };
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);

  try {
    await node.start();
  } catch (error) {
    await store.close();
    await closeLogs();
    if (error instanceof PortInUseError) throw new Fatal(error.message, ExitCode.PortInUse);
    throw error;
  }
  diag.info(`listening on port ${self.port}`);
  const outcome = await node.finished;
  await finishLauncherLink();
  await closeLogs();
  if (interrupted) return ExitCode.Interrupted;
  if (outcome.kind === 'failed') {
    process.stderr.write(`peerProcess ${self.peerId}: ${outcome.error.message}\n`);
    return outcome.error instanceof StorageError ? ExitCode.Storage : ExitCode.Internal;
  }
  return ExitCode.Ok;
}

function readConfig(options: RunPeerOptions) {
  try {
    return loadConfig(options.configDir);
  } catch (error) {
    if (error instanceof ConfigError) throw new Fatal(error.message, ExitCode.Config);
    throw error;
  }
}

function findPeerOrFatal(config: ReturnType<typeof loadConfig>, peerId: number) {
  try {
    return findPeer(config, peerId);
  } catch (error) {
    if (error instanceof ConfigError) throw new Fatal(error.message, ExitCode.Config);
    throw error;
  }
}

function storageFatal(error: unknown): unknown {
  if (!(error instanceof StorageError)) return error;
  return new Fatal(error.message, error.code === 'io' ? ExitCode.Storage : ExitCode.SeedFile);
}

function describeStart(start: StoreStart): string {
  switch (start.kind) {
    case 'seed':
      return 'seeding the complete file';
    case 'resumed':
      return `resumed ${start.pieces} pieces from the resume state`;
    case 'fresh':
      return `starting from nothing (${start.why})`;
  }
}
