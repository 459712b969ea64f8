import { MessageType } from '../wire/index.js';
import type { ScenarioRun } from './ScenarioRun.js';
import { judge, type Judgement } from './Verdict.js';
import { describeUnit, type ConnectionRecord, type WireUnit } from './WireRecord.js';

/**
 * A request the peer wrote before our choke reached it is no fault of its
 * own: requests arriving this soon after our choke are let pass (and void).
 * Generous, because our times are when our side read the bytes, and either
 * process may be held up for a moment on a busy machine.
 */
export const CHOKE_GRACE_MS = 500;

type MessageUnit = Extract<WireUnit, { kind: 'message' }>;

function isMessage(unit: WireUnit, side: 'peer' | 'us', type: MessageType): unit is MessageUnit {
  return unit.side === side && unit.kind === 'message' && unit.message.type === type;
}

/** interest.interested-when-needed: after our bitfield offers pieces it lacks, the peer says interested before it requests. */
export function interestedWhenNeeded(run: ScenarioRun): Judgement {
  if (run.peerHasFile) return judge([], [], 'the peer had the file in this scenario');
  const failures: string[] = [];
  const conforming: string[] = [];
  for (const record of run.connections) {
    const offer = record.units.findIndex((u) => isMessage(u, 'us', MessageType.Bitfield));
    if (offer < 0) continue;
    const after = record.units.slice(offer + 1);
    const interested = after.find((u) => isMessage(u, 'peer', MessageType.Interested));
    const request = after.find((u) => isMessage(u, 'peer', MessageType.Request));
    if (!interested) failures.push(`${record.label}: no interested after ${describeUnit(record.label, record.units[offer])}`);
    else if (request && record.units.indexOf(request) < record.units.indexOf(interested)) failures.push(`a request before interested: ${describeUnit(record.label, request)}`);
    else conforming.push(`interested after our bitfield: ${describeUnit(record.label, interested)}`);
  }
  return judge(failures, conforming, 'we offered no pieces to the peer');
}

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
