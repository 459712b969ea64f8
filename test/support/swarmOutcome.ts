import * as fs from 'fs';
import * as path from 'path';
import type { ProcessResult } from './runProcess.js';

/** A `swarmlab swarm` run that must end well: on failure, the launcher's whole output says why. */
export function expectSwarmSuccess({ code, output }: ProcessResult, peers: number): void {
  if (code !== 0 || !output.includes(`all ${peers} copies are byte-identical`)) throw new Error(`swarm exited ${code}; its output:\n${output}`);
}

/** A peer's debug log in a set-up's logs/. */
export function debugLogOf(root: string, peerId: number): string {
  return fs.readFileSync(path.join(root, 'logs', `log_peer_${peerId}.debug.log`), 'utf8');
}
