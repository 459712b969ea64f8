import { describeEnd, finishedCleanly } from '../launcher/ProgressView.js';
import type { SwarmRun } from '../launcher/SwarmLauncher.js';
import type { RunEnd } from './messages.js';

/**
 * How a run ended, in a line for the page's header: "all 6 peers finished",
 * or which peers did not and why, the ones that ended the same way together
 * ("stopped (interrupted): 1002, 1003"), with the words of the launcher's own summary.
 */
export function describeRunEnd(swarm: SwarmRun): RunEnd {
  const total = swarm.runs.length;
  const unfinished = swarm.runs.filter((run) => !finishedCleanly(run));
  if (unfinished.length === 0) return { allFinished: true, summary: `all ${total} peers finished` };
  const peersByEnd = new Map<string, number[]>();
  for (const run of unfinished) {
    const end = describeEnd(run);
    peersByEnd.set(end, [...(peersByEnd.get(end) ?? []), run.peer.peerId]);
  }
  const how = [...peersByEnd].map(([end, peers]) => `${end}: ${peers.join(', ')}`).join('; ');
  const timedOut = swarm.timedOut ? 'timed out; ' : '';
  return { allFinished: false, summary: `${timedOut}${unfinished.length} of ${total} peers did not finish (${how})` };
}
