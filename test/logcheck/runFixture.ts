import * as fs from 'fs';
import * as path from 'path';
import type { PeerLog } from '../../src/logcheck/checkLogs.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';

/** 2026-11-21 10:00:<second>. */
export const at = (second: number) => `2026-11-21 10:00:${String(second).padStart(2, '0')}`;

const downloads = (peer: number, from: number, order: number[]) => [
  ...order.map((piece, i) => `${at(1 + i)}: Peer ${peer} has downloaded the piece ${piece} from ${from}. Now the number of pieces it has is ${i + 1}.`),
  `${at(order.length)}: Peer ${peer} has downloaded the complete file.`,
];

/** A correct run of three peers listed in this order: `a` seeds 3 pieces to `b` and `c`. */
export function correctRun([a, b, c]: readonly number[] = [5001, 5002, 5003]): PeerLog[] {
  const lines = new Map<number, string[]>([
    [
      a,
      [
        `${at(0)}: Peer ${a} is connected from Peer ${b}.`,
        `${at(0)}: Peer ${a} is connected from Peer ${c}.`,
        `${at(0)}: Peer ${a} received the 'interested' message from ${b}.`,
        `${at(0)}: Peer ${a} received the 'interested' message from ${c}.`,
        `${at(0)}: Peer ${a} has the preferred neighbors ${b},${c}.`,
        `${at(4)}: Peer ${a} received the 'not interested' message from ${b}.`,
        `${at(4)}: Peer ${a} received the 'not interested' message from ${c}.`,
      ],
    ],
    [b, [`${at(0)}: Peer ${b} makes a connection to Peer ${a}.`, `${at(0)}: Peer ${b} is connected from Peer ${c}.`, `${at(0)}: Peer ${b} is unchoked by ${a}.`, ...downloads(b, a, [0, 1, 2])]],
    [c, [`${at(0)}: Peer ${c} makes a connection to Peer ${a}.`, `${at(0)}: Peer ${c} makes a connection to Peer ${b}.`, `${at(0)}: Peer ${c} is unchoked by ${a}.`, ...downloads(c, a, [2, 1, 0])]],
  ]);
  return [a, b, c].map((peerId) => ({ peerId, file: `log_peer_${peerId}.log`, lines: lines.get(peerId)! }));
}

/** A temp folder for one test; `remove` deletes it. */
export function tempDir(): { root: string; remove(): void } {
  const root = makeTempDir('swarmlab-logcheck-');
  return { root, remove: () => removeTempDir(root) };
}

/** Writes each log as `dir/log_peer_<id>.log`. */
export function writeLogs(dir: string, logs: readonly PeerLog[]): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const log of logs) fs.writeFileSync(path.join(dir, `log_peer_${log.peerId}.log`), log.lines.join('\n') + '\n');
}

/** Common.cfg (3 pieces, k=2) and PeerInfo.cfg listing `peers` in order, the first the seeder. */
export function writeConfig(dir: string, peers: readonly number[]): void {
  fs.mkdirSync(dir, { recursive: true });
  const common = ['NumberOfPreferredNeighbors 2', 'UnchokingInterval 1', 'OptimisticUnchokingInterval 2', 'FileName f.dat', 'FileSize 3000', 'PieceSize 1000'];
  fs.writeFileSync(path.join(dir, 'Common.cfg'), common.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'PeerInfo.cfg'), peers.map((id, i) => `${id} localhost ${7000 + i} ${i === 0 ? 1 : 0}`).join('\n') + '\n');
}
