import { MessageType } from '../wire/index.js';
import type { ScenarioRun } from './ScenarioRun.js';
import { judge, type Judgement } from './Verdict.js';
import { describeUnit, isMessage, messagesOf, type ConnectionRecord, type MessageUnit } from './WireRecord.js';

/**
 * A request the peer wrote before our choke reached it is no fault of its
 * own: requests arriving this soon after our choke are let pass (and void).
 * Generous, because our times are when our side read the bytes, and either
 * process may be held up for a moment on a busy machine.
 */
export const CHOKE_GRACE_MS = 500;

interface RequestState {
  label: string;
  /** We had the peer choked (and the grace was over). */
  choked: boolean;
  /** Its requests not yet answered by a piece nor voided by a choke. */
  outstanding: ReadonlyMap<number, MessageUnit>;
}

/** Walks one connection's units, knowing at each of the peer's requests whether we had it choked (past the grace) and what it had outstanding. */
function walkRequests(record: ConnectionRecord, visit: (request: MessageUnit, state: RequestState) => void): void {
  let chokedAtMs: number | undefined = -Infinity; // protocol.md: every connection starts choked
  const outstanding = new Map<number, MessageUnit>();
  for (const unit of record.units) {
    if (unit.kind !== 'message') continue;
    const { message } = unit;
    if (unit.side === 'us') {
      if (message.type === MessageType.Choke) {
        chokedAtMs = unit.atMs;
        outstanding.clear(); // protocol.md, "Requests": a choke voids what was asked
      } else if (message.type === MessageType.Unchoke) chokedAtMs = undefined;
      else if (message.type === MessageType.Piece) outstanding.delete(message.index);
    } else if (message.type === MessageType.Request) {
      const withinGrace = chokedAtMs !== undefined && unit.atMs - chokedAtMs <= CHOKE_GRACE_MS;
      if (withinGrace) continue;
      const choked = chokedAtMs !== undefined;
      visit(unit, { label: record.label, choked, outstanding });
      if (!choked) outstanding.set(message.index, unit); // one made while choked is void: request.only-while-unchoked's fault alone
    }
  }
}

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
