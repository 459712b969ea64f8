import { promises as fs } from 'fs';
import { systemClock } from '../common/Clock.js';
import { formatWarning } from '../config/ConfigError.js';
import type { Config } from '../config/Config.js';
import type { PeerInfo } from '../config/PeerInfo.js';
import type { PieceLayout } from '../core/PieceLayout.js';
import { DiagnosticLog, debugLogPath, type Diagnostics } from '../log/DiagnosticLog.js';
import type { MetaInfo } from '../metainfo/MetaInfo.js';
import type { RunPeerOptions } from './runPeer.js';

/** A leecher with a resume state is a restart; a seeder has none, so the launcher says so (--append-logs). */
export function isRestart(options: RunPeerOptions, self: PeerInfo, hasResumeState: boolean): boolean {
  return options.appendLogs === true || (hasResumeState && !self.hasFile);
}

/** log_peer_<id>.debug.log (and the console): continued rather than replaced when `append`. */
export async function openDebugLog(options: RunPeerOptions, self: PeerInfo, append: boolean): Promise<DiagnosticLog> {
  await fs.mkdir(options.logDir, { recursive: true });
  return new DiagnosticLog({
    peerId: self.peerId,
    logFile: debugLogPath(options.logDir, self.peerId),
    append,
    level: options.logLevel,
    clock: systemClock,
    console: true,
  });
}

/** The rubric's "config read and variables set", for the debug log and the console. */
export function reportStartup(diag: Diagnostics, config: Config, layout: PieceLayout, meta: MetaInfo | undefined): void {
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
