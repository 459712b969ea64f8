import { promises as fs } from 'fs';
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
import { PieceStore } from '../storage/PieceStore';
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
  const diag = new DiagnosticLog({
    peerId: self.peerId,
    logFile: debugLogPath(options.logDir, self.peerId),
    level: options.logLevel,
    clock: systemClock,
    console: true,
  });
  const protocolLog = openProtocolLog(self.peerId, protocolLogPath(options.logDir, self.peerId), systemClock);
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
      dir: peerDirectory(options.peersDir, self.peerId),
      fileName: common.fileName,
      layout,
      complete: self.hasFile,
    });
  } catch (error) {
    await closeLogs();
    throw storageFatal(error);
  }
  diag.info(`our bitfield: ${store.bitfield.count}/${layout.pieceCount} pieces; file ${store.path}`);

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
