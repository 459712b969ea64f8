import { HANDSHAKE_LENGTH, MessageType, decodeMessage, describeMessage, type Message } from '../wire/index.js';

/** Who wrote the bytes: the peer under test, or our scripted neighbour. */
export type Side = 'peer' | 'us';

/**
 * One unit of a connection's byte stream as the scripted neighbour saw it:
 * where it starts in its side's stream (`offset`) and when its last byte was
 * written or read (`atMs`, since the scenario began).
 */
export type WireUnit = { side: Side; offset: number; atMs: number; bytes: Buffer } & (
  | { kind: 'handshake' }
  | { kind: 'message'; message: Message }
  | { kind: 'malformed'; error: string }
);

/** Everything one connection carried, both ways, in the order our side observed it. */
export interface ConnectionRecord {
  /** Names the neighbour in evidence, e.g. `leecher 1003`. */
  label: string;
  /** Our scripted neighbour's peer ID on this connection. */
  ourId: number;
  units: WireUnit[];
}

/**
 * Cuts one side's byte stream into the 32-byte handshake and then frames,
 * incrementally. It judges nothing: the first 32 bytes are the handshake
 * whatever they hold (the rules look at them); a frame that does not decode
 * ends the stream as `malformed`, since nothing after it can be framed.
 */
export class StreamParser {
  private pending = Buffer.alloc(0);
  private offset = 0;
  private handshakeRead = false;
  private broken = false;

  constructor(
    private readonly side: Side,
    private readonly maxMessageLength: number,
  ) {}

  push(chunk: Buffer, atMs: number): WireUnit[] {
    if (this.broken) return [];
    this.pending = Buffer.concat([this.pending, chunk]);
    const units: WireUnit[] = [];
    if (!this.handshakeRead) {
      if (this.pending.length < HANDSHAKE_LENGTH) return units;
      units.push({ side: this.side, offset: 0, atMs, bytes: this.take(HANDSHAKE_LENGTH), kind: 'handshake' });
      this.handshakeRead = true;
    }
    for (;;) {
      const start = this.offset;
      let decoded;
      try {
        decoded = decodeMessage(this.pending, this.maxMessageLength);
      } catch (error) {
        this.broken = true;
        units.push({ side: this.side, offset: start, atMs, bytes: this.take(this.pending.length), kind: 'malformed', error: (error as Error).message });
        return units;
      }
      if (decoded.kind === 'need') return units;
      const bytes = this.take(decoded.bytesUsed);
      // decodeMessage's payloads share `pending`'s memory: decode again from the copy we keep.
      const again = decodeMessage(bytes, this.maxMessageLength);
      if (again.kind === 'message') units.push({ side: this.side, offset: start, atMs, bytes, kind: 'message', message: again.message });
    }
  }

  private take(count: number): Buffer {
    const bytes = Buffer.from(this.pending.subarray(0, count));
    this.pending = this.pending.subarray(count);
    this.offset += count;
    return bytes;
  }
}

/** A unit as evidence: `leecher 1003, peer→us @32 +105ms: bitfield (2 bytes) 00 00 00 03 05 ff c0`. */
export function describeUnit(label: string, unit: WireUnit): string {
  const arrow = unit.side === 'peer' ? 'peer→us' : 'us→peer';
  const what = unit.kind === 'handshake' ? 'handshake' : unit.kind === 'message' ? describeMessage(unit.message) : `malformed (${unit.error})`;
  return `${label}, ${arrow} @${unit.offset} +${Math.round(unit.atMs)}ms: ${what} ${hexHead(unit.bytes)}`;
}

const HEX_SHOWN_BYTES = 40;

function hexHead(bytes: Buffer): string {
  const shown = bytes.subarray(0, HEX_SHOWN_BYTES).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  return `[${shown}${bytes.length > HEX_SHOWN_BYTES ? ` … ${bytes.length} bytes` : ''}]`;
}

/** The messages of one side, with their units. */
export function messagesOf(record: ConnectionRecord, side: Side): MessageUnit[] {
  return record.units.filter((u): u is MessageUnit => u.side === side && u.kind === 'message');
}

export type MessageUnit = Extract<WireUnit, { kind: 'message' }>;

export function isMessage(unit: WireUnit, side: Side, type: MessageType): unit is MessageUnit {
  return unit.side === side && unit.kind === 'message' && unit.message.type === type;
}

/** Each piece index we gave the peer, with the first time, connection and unit we gave it on. */
export function firstPiecesGiven(records: readonly ConnectionRecord[]): Map<number, { atMs: number; record: ConnectionRecord; unit: MessageUnit }> {
  const given = new Map<number, { atMs: number; record: ConnectionRecord; unit: MessageUnit }>();
  for (const record of records) {
    for (const unit of messagesOf(record, 'us')) {
      if (unit.message.type !== MessageType.Piece) continue;
      const earlier = given.get(unit.message.index);
      if (!earlier || unit.atMs < earlier.atMs) given.set(unit.message.index, { atMs: unit.atMs, record, unit });
    }
  }
  return given;
}

/** The piece indices whose bits are set in a bitfield's bytes (piece 0 the high bit of byte 0), spare bits included. */
export function piecesInBitfield(bits: Buffer): number[] {
  return [...Array(bits.length * 8).keys()].filter((index) => (bits[index >> 3] & (0x80 >> (index & 7))) !== 0);
}
