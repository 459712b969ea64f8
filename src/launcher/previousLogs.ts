import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'fs';
import * as path from 'path';

/** A peer's protocol log or debug log, as peerProcess names them. */
const PEER_LOG = /^log_peer_(\d+)(?:\.debug)?\.log$/;

export interface SetAside {
  moved: number;
  /** Where they went: <logDir>/previous. */
  dir: string;
}

/**
 * Moves the peer logs in `logDir` that this run would overwrite or leave
 * behind into `logDir/previous/`, so check-logs and report read this run
 * only and the last experiment is still at hand. The peer logs already in
 * previous/ (the run before that) are replaced: it never holds more than one
 * run. Logs of peers in `continued` stay (a resumed run continues them);
 * any other file stays where it is.
 */
export function setAsidePreviousLogs(logDir: string, continued: ReadonlySet<number> = new Set()): SetAside {
  const dir = path.join(logDir, 'previous');
  const peerLogs = (folder: string) => (existsSync(folder) ? readdirSync(folder).filter((name) => PEER_LOG.test(name)) : []);
  const leaving = peerLogs(logDir).filter((name) => !continued.has(Number(PEER_LOG.exec(name)![1])));
  if (leaving.length === 0) return { moved: 0, dir };
  for (const name of peerLogs(dir)) rmSync(path.join(dir, name));
  mkdirSync(dir, { recursive: true });
  for (const name of leaving) renameSync(path.join(logDir, name), path.join(dir, name));
  return { moved: leaving.length, dir };
}
