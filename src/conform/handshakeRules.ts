import { encodeHandshake } from '../wire/index.js';
import type { ScenarioRun } from './ScenarioRun.js';
import { judge, type Judgement } from './Verdict.js';
import { describeUnit, type ConnectionRecord, type WireUnit } from './WireRecord.js';

// protocol.md, "Handshake (32 bytes)": the header, ten zero bytes, the peer ID; both sides send it at once.

const HEADER_AND_PADDING_BYTES = 28;

function handshakeOf(record: ConnectionRecord, side: 'peer' | 'us'): WireUnit | undefined {
  return record.units.find((u) => u.side === side && u.kind === 'handshake');
}

/** Over every connection: a failure, a conforming observation, or nothing (no handshake to judge). */
function perHandshake(run: ScenarioRun, check: (record: ConnectionRecord, ours: WireUnit, unit: WireUnit) => string | undefined, ok: string): Judgement {
  const failures: string[] = [];
  const conforming: string[] = [];
  for (const record of run.connections) {
    const unit = handshakeOf(record, 'peer');
    if (!unit) {
      failures.push(`${record.label}: no 32-byte handshake from the peer`);
      continue;
    }
    const problem = check(record, handshakeOf(record, 'us') ?? unit, unit);
    if (problem) failures.push(`${problem}: ${describeUnit(record.label, unit)}`);
    else conforming.push(`${ok}: ${describeUnit(record.label, unit)}`);
  }
  return judge(failures, conforming, 'no connection with the peer');
}

/** handshake.exact-bytes: 'P2PFILESHARINGPROJ' then ten 0x00 (the ID is handshake.peer-id's). */
export function handshakeExactBytes(run: ScenarioRun): Judgement {
  const expected = encodeHandshake(0).subarray(0, HEADER_AND_PADDING_BYTES);
  return perHandshake(
    run,
    (_record, _ours, unit) => {
      const at = firstDifference(unit.bytes.subarray(0, HEADER_AND_PADDING_BYTES), expected);
      if (at === undefined) return undefined;
      const part = at < 18 ? 'header' : 'padding';
      return `byte ${at} (${part}) is 0x${unit.bytes[at].toString(16).padStart(2, '0')}, expected 0x${expected[at].toString(16).padStart(2, '0')}`;
    },
    'header and ten zero bytes exact',
  );
}

/** handshake.sent-at-once: the peer's handshake came before ours (our neighbours hold theirs back a moment). */
export function handshakeSentAtOnce(run: ScenarioRun): Judgement {
  return perHandshake(
    run,
    (record, ours, unit) => (record.units.indexOf(unit) < record.units.indexOf(ours) || ours === unit ? undefined : `sent only after ours (+${Math.round(ours.atMs)}ms)`),
    'sent before ours',
  );
}

/** handshake.peer-id: bytes 28-31 are the peer's own ID, big-endian. */
export function handshakePeerId(run: ScenarioRun): Judgement {
  return perHandshake(
    run,
    (_record, _ours, unit) => {
      const id = unit.bytes.readUInt32BE(HEADER_AND_PADDING_BYTES);
      return id === run.peerId ? undefined : `peer ID ${id}, expected ${run.peerId}`;
    },
    `peer ID ${run.peerId}`,
  );
}

function firstDifference(a: Buffer, b: Buffer): number | undefined {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? undefined : Math.min(a.length, b.length);
}
