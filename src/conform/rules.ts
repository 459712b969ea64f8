import { bitfieldAfterHandshake, bitfieldLengthAndSpareBits, bitfieldNoneWhenEmpty } from './bitfieldRules.js';
import { chokeByRateWhenLeeching, chokeMaxUnchoked, chokeOptimisticEveryM, chokeRechoiceEveryP } from './chokeRules.js';
import { handshakeExactBytes, handshakePeerId, handshakeSentAtOnce } from './handshakeRules.js';
import { exitByItself, logFilePlace, logSentences } from './outcomeRules.js';
import { interestedWhenNeeded, interestNotInterestedAtEnd, interestUpdatedAfterHave } from './interestRules.js';
import { requestNeverHeld, requestNeverTwice, requestOneAtATime, requestOnlyWhileUnchoked, requestReaskedAfterChoke } from './requestRules.js';
import type { ScenarioRun } from './ScenarioRun.js';
import { serveNoneAfterChoke, serveOnlyUnchoked } from './serveRules.js';
import { dialEveryEarlier } from './dialRules.js';
import { fileCompleteAndIdentical, haveAfterEachPiece, haveToEveryNeighbour, serveRightBytes } from './transferRules.js';
import { combine, type Judgement, type RuleResult } from './Verdict.js';

export interface Rule {
  id: string;
  /** What a student reads in the table. */
  summary: string;
  check(run: ScenarioRun): Judgement;
  /** Only the peer as a leecher can show it (a seeder downloads nothing). */
  leecherOnly?: boolean;
}

/** The rules of `swarmlab conform`, in the order they are reported (issue 12). */
export const RULES: readonly Rule[] = [
  { id: 'handshake.exact-bytes', summary: "'P2PFILESHARINGPROJ' and ten zero bytes", check: handshakeExactBytes },
  { id: 'handshake.sent-at-once', summary: 'sent at once, not after ours', check: handshakeSentAtOnce },
  { id: 'handshake.peer-id', summary: 'carries its own peer ID', check: handshakePeerId },
  { id: 'bitfield.after-handshake', summary: 'a seeder sends its bitfield first', check: bitfieldAfterHandshake },
  { id: 'bitfield.length-and-spare-bits', summary: 'ceil(pieces/8) bytes, spare bits zero', check: bitfieldLengthAndSpareBits },
  { id: 'bitfield.none-when-empty', summary: 'no bitfield (or an empty one) with no pieces; later, only pieces it has', check: bitfieldNoneWhenEmpty },
  { id: 'dial.every-earlier', summary: 'dials every peer listed before it, none after', check: dialEveryEarlier },
  { id: 'interest.interested-when-needed', summary: 'interested when we have what it lacks', check: interestedWhenNeeded },
  { id: 'interest.updated-after-have', summary: "interested after a have of a piece it lacks; none before we offer any", check: interestUpdatedAfterHave },
  { id: 'interest.not-interested-at-end', summary: 'not interested to every neighbour once it has every piece', check: interestNotInterestedAtEnd },
  { id: 'choke.max-unchoked', summary: 'at most k preferred + 1 optimistic unchoked (more for under p/4 let pass)', check: chokeMaxUnchoked },
  { id: 'choke.rechoice-every-p', summary: 'preferred re-chosen every p: no slot free while one interested waits choked, over 2 p', check: chokeRechoiceEveryP },
  { id: 'choke.optimistic-every-m', summary: 'an optimistic unchoke every m: not only the k feeding it unchoked while another waits, over 1.5 m', check: chokeOptimisticEveryM },
  { id: 'choke.by-rate-when-leeching', summary: 'prefers who feeds it: none feeding it kept choked while one giving nothing is unchoked, over 2 p', check: chokeByRateWhenLeeching },
  { id: 'request.only-while-unchoked', summary: 'requests only while unchoked', check: requestOnlyWhileUnchoked },
  { id: 'request.one-at-a-time', summary: 'one request outstanding per neighbour', check: requestOneAtATime },
  { id: 'request.never-held', summary: 'never asks for a piece it has sent that neighbour a have for', check: requestNeverHeld },
  { id: 'request.never-twice', summary: 'never asks for a piece it awaits from another neighbour', check: requestNeverTwice },
  { id: 'request.reasked-after-choke', summary: 'a request cut by a choke is asked again (of anyone) later', check: requestReaskedAfterChoke },
  { id: 'serve.right-bytes', summary: 'serves whole pieces with the right bytes', check: serveRightBytes },
  { id: 'serve.only-unchoked', summary: 'no piece before it unchokes that neighbour', check: serveOnlyUnchoked },
  { id: 'serve.none-after-choke', summary: 'no piece after it chokes that neighbour, until it unchokes it', check: serveNoneAfterChoke },
  { id: 'have.after-each-piece', summary: 'a have after each piece it completes', check: haveAfterEachPiece, leecherOnly: true },
  { id: 'have.to-every-neighbour', summary: 'that have to every other neighbour too', check: haveToEveryNeighbour, leecherOnly: true },
  { id: 'file.complete-and-identical', summary: 'its copy complete and identical', check: fileCompleteAndIdentical, leecherOnly: true },
  { id: 'exit.by-itself', summary: 'exits by itself once all have the file', check: exitByItself },
  { id: 'log.file-place', summary: 'log_peer_<id>.log in its working directory', check: logFilePlace },
  { id: 'log.sentences', summary: "every log line one of the spec's sentences", check: logSentences },
];

/** Every rule over every scenario run, one result a rule. */
export function judgeRuns(runs: readonly ScenarioRun[]): RuleResult[] {
  return RULES.map((rule) =>
    combine(
      rule.id,
      runs.filter((run) => !rule.leecherOnly || !run.peerHasFile).map((run) => ({ scenario: run.name, judgement: rule.check(run) })),
    ),
  );
}
