import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePorts } from '../../src/net/freePorts.js';

export const BITTORRENT_CONFIG = path.join(import.meta.dirname, '..', '..', 'config', 'bittorrent');

export interface BtSwarmSetup {
  root: string;
  peerIds: number[];
  seeders: number[];
  fileName: string;
  pieceCount: number;
  trackerPort: number;
  /** The announce URL of the launcher's tracker for this set-up. */
  trackerUrl: string;
  remove(): void;
}

export interface BtSwarmChanges {
  /** Keep only the first `peers` lines of PeerInfo.cfg. */
  peers?: number;
  fileSize?: number;
  /** More Common.cfg lines (rate limits, say). */
  more?: string[];
}

/**
 * config/bittorrent in a temp dir with its ports (the peers' and the
 * tracker's) replaced by free ones on 127.0.0.1, so tests run it beside
 * anything else on this machine; optionally smaller or with more keys.
 */
export async function bittorrentSetup(changes: BtSwarmChanges = {}): Promise<BtSwarmSetup> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-bt-'));
  const lines = fs.readFileSync(path.join(BITTORRENT_CONFIG, 'PeerInfo.cfg'), 'utf8').split('\n').filter((line) => /^\d/.test(line));
  const listed = lines.slice(0, changes.peers ?? lines.length).map((line) => line.split(/\s+/));
  const [trackerPort, ...ports] = await freePorts(listed.length + 1);
  fs.writeFileSync(path.join(root, 'PeerInfo.cfg'), listed.map(([id, , , hasFile], i) => `${id} 127.0.0.1 ${ports[i]} ${hasFile}\n`).join(''));
  let common = fs.readFileSync(path.join(BITTORRENT_CONFIG, 'Common.cfg'), 'utf8').replace(/^TrackerPort \d+$/m, `TrackerPort ${trackerPort}`);
  if (changes.fileSize !== undefined) common = common.replace(/^FileSize \d+$/m, `FileSize ${changes.fileSize}`);
  fs.writeFileSync(path.join(root, 'Common.cfg'), [common, ...(changes.more ?? [])].join('\n') + '\n');
  const fileSize = Number(/^FileSize (\d+)$/m.exec(common)![1]);
  const pieceSize = Number(/^PieceSize (\d+)$/m.exec(common)![1]);
  return {
    root,
    peerIds: listed.map(([id]) => Number(id)),
    seeders: listed.filter(([, , , hasFile]) => hasFile === '1').map(([id]) => Number(id)),
    fileName: /^FileName (\S+)$/m.exec(common)![1],
    pieceCount: Math.ceil(fileSize / pieceSize),
    trackerPort,
    trackerUrl: `http://127.0.0.1:${trackerPort}/announce`,
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
