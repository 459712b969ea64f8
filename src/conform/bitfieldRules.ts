import { Bitfield } from '../core/Bitfield.js';
import { MessageType } from '../wire/index.js';
import type { ScenarioRun } from './ScenarioRun.js';
import { judge, type Judgement } from './Verdict.js';
import { describeUnit, firstPiecesGiven, messagesOf, piecesInBitfield } from './WireRecord.js';

// protocol.md, "Bitfield": right after the handshake; ceil(pieces/8) bytes, spare bits zero; a peer with no pieces may skip it.

function peerBitfields(run: ScenarioRun) {
  return run.connections.flatMap((record) =>
    messagesOf(record, 'peer')
      .filter((u) => u.message.type === MessageType.Bitfield)
      .map((unit) => ({ record, unit, bits: (unit.message as { bits: Buffer }).bits })),
  );
}

/** bitfield.after-handshake: a peer with pieces sends its bitfield as its first message. */
export function bitfieldAfterHandshake(run: ScenarioRun): Judgement {
  if (!run.peerHasFile) return judge([], [], 'the peer had no pieces in this scenario');
  const failures: string[] = [];
  const conforming: string[] = [];
  for (const record of run.connections) {
    const first = record.units.find((u) => u.side === 'peer' && u.kind !== 'handshake');
    if (!first) failures.push(`${record.label}: nothing from the peer after its handshake`);
    else if (first.kind === 'message' && first.message.type === MessageType.Bitfield) conforming.push(`first after the handshake: ${describeUnit(record.label, first)}`);
    else failures.push(`the first message after the handshake is not a bitfield: ${describeUnit(record.label, first)}`);
  }
  return judge(failures, conforming, 'no connection with the peer');
}

/** bitfield.length-and-spare-bits: every bitfield the peer sends is ceil(pieces/8) bytes with the spare bits zero. */
export function bitfieldLengthAndSpareBits(run: ScenarioRun): Judgement {
  const failures: string[] = [];
  const conforming: string[] = [];
  for (const { record, unit, bits } of peerBitfields(run)) {
    const read = Bitfield.fromBytes(bits, run.pieceCount);
    if (typeof read === 'string') failures.push(`${read} (${run.pieceCount} pieces): ${describeUnit(record.label, unit)}`);
    else conforming.push(`${bits.length} bytes for ${run.pieceCount} pieces, spare bits zero: ${describeUnit(record.label, unit)}`);
  }
  return judge(failures, conforming, 'the peer sent no bitfield');
}

/**
 * bitfield.none-when-empty: a peer that started with no pieces sends no bitfield, or one with no bit set,
 * or (on a connection opened later) one with only pieces we had given it by then.
 */
export function bitfieldNoneWhenEmpty(run: ScenarioRun): Judgement {
  if (run.peerHasFile) return judge([], [], 'the peer had the file in this scenario');
  const given = firstPiecesGiven(run.connections);
  const failures: string[] = [];
  const conforming: string[] = [];
  for (const record of run.connections) {
    const opening = record.units.filter((u) => u.side === 'peer' && u.kind === 'message').at(0);
    const bitfield = opening?.kind === 'message' && opening.message.type === MessageType.Bitfield ? { unit: opening, bits: opening.message.bits } : undefined;
    if (!bitfield) {
      conforming.push(`${record.label}: no bitfield from the peer while it had nothing`);
      continue;
    }
    const claimed = piecesInBitfield(bitfield.bits);
    const notGiven = claimed.filter((index) => (given.get(index)?.atMs ?? Infinity) > bitfield.unit.atMs);
    const seen = describeUnit(record.label, bitfield.unit);
    if (notGiven.length > 0) failures.push(`a bit set for piece ${notGiven.join(', ')}, which the peer did not have: ${seen}`);
    else conforming.push(claimed.length === 0 ? `an empty bitfield: ${seen}` : `only the ${claimed.length} pieces we had given it: ${seen}`);
  }
  return judge(failures, conforming, 'no connection with the peer');
}
