import { Bitfield } from '../core/Bitfield.js';
import { MessageType } from '../wire/index.js';
import type { ScenarioRun } from './ScenarioRun.js';
import { judge, type Judgement } from './Verdict.js';
import { describeUnit, messagesOf } from './WireRecord.js';

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

/** bitfield.none-when-empty: a peer with no pieces sends no bitfield, or one with no bit set. */
export function bitfieldNoneWhenEmpty(run: ScenarioRun): Judgement {
  if (run.peerHasFile) return judge([], [], 'the peer had the file in this scenario');
  const failures: string[] = [];
  const conforming: string[] = [];
  for (const record of run.connections) {
    const opening = record.units.filter((u) => u.side === 'peer' && u.kind === 'message').at(0);
    const bitfield = opening?.kind === 'message' && opening.message.type === MessageType.Bitfield ? opening : undefined;
    if (!bitfield) conforming.push(`${record.label}: no bitfield from the peer while it had nothing`);
    else if (bitfield.bytes.subarray(5).some((byte) => byte !== 0)) failures.push(`a bit set while the peer had no piece: ${describeUnit(record.label, bitfield)}`);
    else conforming.push(`an empty bitfield: ${describeUnit(record.label, bitfield)}`);
  }
  return judge(failures, conforming, 'no connection with the peer');
}
