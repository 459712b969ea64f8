import { MessageType } from '../wire/index.js';
import type { ScenarioRun } from './ScenarioRun.js';
import { judge, type Judgement } from './Verdict.js';
import { describeUnit, firstPiecesGiven, isMessage, type ConnectionRecord, type WireUnit } from './WireRecord.js';

// protocol.md, "Interest": on every bitfield or have received, interested if the neighbour has a piece
// we lack, else not interested; after each piece completed, not interested where nothing is left to want.

/**
 * A piece we gave the peer on another connection this soon after our have for it may have reached it
 * first: such a have is not judged. Generous, for two busy processes.
 */
export const HAVE_GRACE_MS = 500;

/**
 * The peer surely lacked the piece when it read our have at `position` on `record`: we had not given
 * it that piece on this connection before the have, nor on another before the have's time and the grace.
 */
function lackedWhenRead(run: ScenarioRun, record: ConnectionRecord, position: number, index: number): boolean {
  const isPiece = (unit: WireUnit) => isMessage(unit, 'us', MessageType.Piece) && unit.message.type === MessageType.Piece && unit.message.index === index;
  if (record.units.slice(0, position).some(isPiece)) return false;
  const haveAtMs = record.units[position].atMs;
  return !run.connections.some((other) => other !== record && other.units.some((unit) => isPiece(unit) && unit.atMs <= haveAtMs + HAVE_GRACE_MS));
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

/**
 * interest.updated-after-have: no interested before we offer anything (no bitfield is "has nothing"), and
 * after our have for a piece it lacks, interested (unless it already was).
 */
export function interestUpdatedAfterHave(run: ScenarioRun): Judgement {
  if (run.peerHasFile) return judge([], [], 'the peer had the file in this scenario');
  const failures: string[] = [];
  let judged = 0;
  for (const record of run.connections) {
    let offered = false;
    let interested = false;
    record.units.forEach((unit, position) => {
      if (unit.kind !== 'message') return;
      const { message } = unit;
      if (unit.side === 'peer' && message.type === MessageType.Interested) {
        if (!offered) failures.push(`interested before we offered any piece (no bitfield, no have): ${describeUnit(record.label, unit)}`);
        interested = true;
      } else if (unit.side === 'peer' && message.type === MessageType.NotInterested) interested = false;
      else if (unit.side === 'us' && message.type === MessageType.Bitfield) offered ||= message.bits.some((byte) => byte !== 0);
      else if (unit.side === 'us' && message.type === MessageType.Have) {
        offered = true;
        if (interested || !lackedWhenRead(run, record, position, message.index)) return;
        judged++;
        const answer = record.units.slice(position + 1).find((u) => isMessage(u, 'peer', MessageType.Interested));
        if (!answer) failures.push(`no interested after ${describeUnit(record.label, unit)}, a piece it lacked`);
      }
    });
  }
  return judge(failures, judged > 0 ? [`interested after each of ${judged} haves for a piece it lacked (while not interested)`] : [], 'none of our haves offered a piece the peer lacked while it was not interested');
}

/** interest.not-interested-at-end: once it holds every piece, not interested to every neighbour it had said interested to. */
export function interestNotInterestedAtEnd(run: ScenarioRun): Judgement {
  const given = firstPiecesGiven(run.connections);
  if (run.peerHasFile || given.size < run.pieceCount) return judge([], [], 'the peer did not download the whole file from us');
  const completeAtMs = Math.max(...[...given.values()].map((g) => g.atMs));
  const failures: string[] = [];
  const conforming: string[] = [];
  for (const record of run.connections) {
    const last = record.units.filter((u) => isMessage(u, 'peer', MessageType.Interested) || isMessage(u, 'peer', MessageType.NotInterested)).at(-1);
    if (!last) continue;
    const seen = describeUnit(record.label, last);
    if (isMessage(last, 'peer', MessageType.Interested)) failures.push(`still interested after it had every piece (+${Math.round(completeAtMs)}ms): last ${seen}`);
    else conforming.push(`last ${seen}`);
  }
  return judge(failures, conforming, 'the peer never said interested');
}
