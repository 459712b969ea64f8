import * as fs from 'fs';
import * as path from 'path';
import type { PeerLog } from './checkLogs.js';

const PROTOCOL_LOG = /^log_peer_(\d+)\.log$/;

/** Every `log_peer_<id>.log` in a directory (not the .debug.log files), by peer ID. */
export function readProtocolLogs(dir: string): PeerLog[] {
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => PROTOCOL_LOG.test(name)) : [];
  return names
    .map((name) => ({
      peerId: Number(PROTOCOL_LOG.exec(name)![1]),
      file: path.join(dir, name),
      lines: fs.readFileSync(path.join(dir, name), 'utf8').split(/\r?\n/),
    }))
    .sort((a, b) => a.peerId - b.peerId);
}
