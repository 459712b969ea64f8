import type { ScenarioRun } from './ScenarioRun.js';
import { judge, type Judgement } from './Verdict.js';

// protocol.md, "PeerInfo.cfg": each peer dials every peer listed before it and accepts connections from every peer listed after it.

/** dial.every-earlier: the peer dials each of our peers listed before it, and none listed after it. */
export function dialEveryEarlier(run: ScenarioRun): Judgement {
  if (!run.listeners) return judge([], [], 'no scenario where the peer had to dial');
  const failures: string[] = [];
  const conforming: string[] = [];
  for (const { peerId, listedBefore, accepted } of run.listeners) {
    const times = `${accepted} connection(s)`;
    if (listedBefore && accepted === 0) failures.push(`never dialled ${peerId}, listed before it in PeerInfo.cfg`);
    else if (!listedBefore && accepted > 0) failures.push(`dialled ${peerId}, listed after it in PeerInfo.cfg (${times}): a later peer dials it, not the other way`);
    else conforming.push(listedBefore ? `dialled ${peerId}, listed before it (${times})` : `did not dial ${peerId}, listed after it`);
  }
  return judge(failures, conforming, 'none of our peers listened for it');
}
