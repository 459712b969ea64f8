import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { specLogPath, type FoundLog } from './ScenarioRun.js';

export interface ListedPeer {
  peerId: number;
  port: number;
  hasFile: boolean;
}

export interface SwarmShape {
  k: number;
  unchokingSeconds: number;
  optimisticSeconds: number;
  fileName: string;
  pieceSize: number;
}

/**
 * A fresh working directory in the spec's flat layout: Common.cfg,
 * PeerInfo.cfg (every peer on 127.0.0.1) and, for a seeder, peer_<id>/<FileName>.
 */
export function makeWorkDir(shape: SwarmShape, file: Buffer, peers: readonly ListedPeer[], peerId: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-conform-'));
  const common = [
    `NumberOfPreferredNeighbors ${shape.k}`,
    `UnchokingInterval ${shape.unchokingSeconds}`,
    `OptimisticUnchokingInterval ${shape.optimisticSeconds}`,
    `FileName ${shape.fileName}`,
    `FileSize ${file.length}`,
    `PieceSize ${shape.pieceSize}`,
  ];
  fs.writeFileSync(path.join(dir, 'Common.cfg'), common.map((line) => `${line}\n`).join(''));
  fs.writeFileSync(path.join(dir, 'PeerInfo.cfg'), peers.map((p) => `${p.peerId} 127.0.0.1 ${p.port} ${p.hasFile ? 1 : 0}\n`).join(''));
  if (peers.find((p) => p.peerId === peerId)?.hasFile) {
    fs.mkdirSync(path.join(dir, `peer_${peerId}`));
    fs.writeFileSync(path.join(dir, `peer_${peerId}`, shape.fileName), file);
  }
  return dir;
}

/** peer_<id>/<FileName> after the run, if there. */
export function readPeerFile(dir: string, peerId: number, fileName: string): Buffer | undefined {
  const place = path.join(dir, `peer_${peerId}`, fileName);
  return fs.existsSync(place) ? fs.readFileSync(place) : undefined;
}

/** How deep under the working directory a misplaced log is looked for. */
const LOG_SEARCH_DEPTH = 3;

/** The peer's log at the spec's place or, failing that, the first found under the directory (to say where it went). */
export function findLog(dir: string, peerId: number): FoundLog | undefined {
  const name = specLogPath(peerId);
  const found = search(dir, name, LOG_SEARCH_DEPTH);
  if (found === undefined) return undefined;
  return { relativePath: path.relative(dir, found).split(path.sep).join('/'), lines: fs.readFileSync(found, 'utf8').split(/\r?\n/) };
}

function search(dir: string, name: string, depth: number): string | undefined {
  const here = path.join(dir, name);
  if (fs.existsSync(here)) return here;
  if (depth === 0) return undefined;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const found = search(path.join(dir, entry.name), name, depth - 1);
    if (found) return found;
  }
  return undefined;
}
