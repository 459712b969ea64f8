import { MessageType } from '../wire/index.js';
import { piecesOffered, requestSpans, spanEndMs, walkRequests, type RequestSpan, type RequestState } from './requestTimeline.js';
import type { ScenarioRun } from './ScenarioRun.js';
import { judge, type Judgement } from './Verdict.js';
import { describeUnit, isMessage, messagesOf, type ConnectionRecord, type MessageUnit } from './WireRecord.js';

export { CHOKE_GRACE_MS } from './requestTimeline.js';

/** Each request the peer made, judged in its moment: a failure or, for those that conform, a count a connection. */
function judgeRequests(
  run: ScenarioRun,
  problem: (request: MessageUnit, state: RequestState) => string | undefined,
  conforming: (record: ConnectionRecord, count: number) => string,
): Judgement {
  const failures: string[] = [];
  const seen: string[] = [];
  for (const record of run.connections) {
    let count = 0;
    walkRequests(record, (request, state) => {
      const found = problem(request, state);
      if (found) failures.push(found);
      else count++;
    });
    if (count > 0) seen.push(conforming(record, count));
  }
  return judge(failures, seen, 'the peer sent no requests');
}

/** request.only-while-unchoked: no request while we have the peer choked. */
export function requestOnlyWhileUnchoked(run: ScenarioRun): Judgement {
  return judgeRequests(
    run,
    (request, { choked, label }) => (choked ? `a request while choked: ${describeUnit(label, request)}` : undefined),
    (record, count) => {
      const chokes = record.units.filter((u) => isMessage(u, 'us', MessageType.Choke)).length;
      return `${record.label}: ${count} requests, all while unchoked (we choked it ${chokes} time(s) on the way)`;
    },
  );
}

/** request.one-at-a-time: the next request only after the piece for the last one came (or a choke voided it). */
export function requestOneAtATime(run: ScenarioRun): Judgement {
  return judgeRequests(
    run,
    (request, { outstanding, label }) => {
      const earlier = [...outstanding.values()][0];
      return earlier ? `${describeUnit(label, request)} while ${describeUnit(label, earlier)} was unanswered` : undefined;
    },
    (record, count) => `${record.label}: ${count} requests, each after the piece for the one before`,
  );
}

/**
 * request.never-held: no request for a piece it has told that neighbour it has (its have, earlier on the
 * same connection). Not its bitfield: a bitfield claiming pieces it lacks is bitfield.none-when-empty's fault.
 */
export function requestNeverHeld(run: ScenarioRun): Judgement {
  const failures: string[] = [];
  const seen: string[] = [];
  for (const record of run.connections) {
    const told = new Set<number>();
    let count = 0;
    for (const unit of messagesOf(record, 'peer')) {
      const { message } = unit;
      if (message.type === MessageType.Have) told.add(message.index);
      else if (message.type !== MessageType.Request) continue;
      else if (told.has(message.index)) failures.push(`a request for a piece it had told us it has: ${describeUnit(record.label, unit)}`);
      else count++;
    }
    if (count > 0) seen.push(`${record.label}: ${count} requests, none for a piece it had told us it has`);
  }
  return judge(failures, seen, 'the peer sent no requests');
}

/** Every request the peer had outstanding in the run, in the order we read them. */
const allSpans = (run: ScenarioRun): RequestSpan[] => run.connections.flatMap(requestSpans).sort((a, b) => a.request.atMs - b.request.atMs);

/**
 * request.never-twice: never a request for a piece it is waiting for from another neighbour (asked, not
 * answered by the piece nor voided by that neighbour's choke). No tolerance is needed: our piece or choke
 * that frees a piece is written before the peer can act on it, so a request for it elsewhere is read after.
 * Shown where it asked one neighbour while another had a piece outstanding that this one also holds.
 */
export function requestNeverTwice(run: ScenarioRun): Judgement {
  const spans = allSpans(run);
  const failures: string[] = [];
  let shown = 0;
  spans.forEach((later, position) => {
    const elsewhere = spans.slice(0, position).filter((earlier) => earlier.record !== later.record && spanEndMs(earlier) > later.request.atMs);
    const same = elsewhere.find((earlier) => earlier.index === later.index);
    if (same) failures.push(`${describeUnit(later.record.label, later.request)} while ${describeUnit(same.record.label, same.request)} was unanswered`);
    else {
      const offered = piecesOffered(later.record, later.request.atMs);
      if (elsewhere.some((earlier) => offered.has(earlier.index))) shown++;
    }
  });
  return judge(
    failures,
    shown > 0 ? [`${shown} requests to one neighbour while a piece it also holds was asked of another; never that piece`] : [],
    'the peer never asked a neighbour while a piece that one holds was asked of another',
  );
}

/**
 * request.reasked-after-choke: a request cut by a choke is asked again later, of any neighbour (or the piece
 * came from another). Judged where the neighbour that cut it unchoked the peer again at least p before the end.
 */
export function requestReaskedAfterChoke(run: ScenarioRun): Judgement {
  const spans = allSpans(run);
  const failures: string[] = [];
  const seen: string[] = [];
  for (const cut of spans.filter((span) => span.endedBy?.message.type === MessageType.Choke)) {
    const chokedAtMs = spanEndMs(cut);
    const again = spans.find((span) => span.index === cut.index && span.request.atMs > chokedAtMs);
    const given = run.connections.some((record) => messagesOf(record, 'us').some(({ message, atMs }) => message.type === MessageType.Piece && message.index === cut.index && atMs > cut.request.atMs));
    const cutBy = `${describeUnit(cut.record.label, cut.request)} cut by our choke at +${Math.round(chokedAtMs)}ms`;
    if (again) seen.push(`${cutBy}, asked again: ${describeUnit(again.record.label, again.request)}`);
    else if (given) seen.push(`${cutBy}, the piece came from another`);
    else if (unchokedAgain(cut.record, chokedAtMs, run.end.atMs - run.unchokingMs)) failures.push(`${cutBy}, unchoked again, and never asked again by the end (+${Math.round(run.end.atMs)}ms)`);
  }
  return judge(failures, seen, 'no request of the peer was cut by a choke and unchoked again in time');
}

/** Whether our side unchoked the peer on this connection after `afterMs` and by `byMs`. */
function unchokedAgain(record: ConnectionRecord, afterMs: number, byMs: number): boolean {
  return messagesOf(record, 'us').some(({ message, atMs }) => message.type === MessageType.Unchoke && atMs > afterMs && atMs <= byMs);
}
