import { type DecodeResult, type FrameRules, FRAME_HEADER_BYTES, LENGTH_PREFIX_BYTES, TYPE_BYTES, allocateFrame, badPayloadLength, decodeFrame } from '../frame.js';
import { checkBitfieldLength } from '../PieceGeometry.js';
import { ProtocolError } from '../ProtocolError.js';
import { assertIntegerIn, assertUint32 } from '../uint32.js';
import { BLOCK_HEAD_BYTES, MAX_EXTENDED_MESSAGE_LENGTH, MAX_PIECE_COUNT, MAX_PIECE_MESSAGE_LENGTH, btMaxMessageLength } from './limits.js';
import { BT_MESSAGE_ID, BtMessage, btKindOf, isBareKind, isBareMessage } from './Message.js';

/*
 * BEP 3, "peer messages": the shared framing of ../frame.ts; a length of 0 is a
 * keep-alive. Payloads: none; a 4-byte index; index, begin, length (request,
 * cancel, reject); index, begin, data (piece); a bitfield; a 2-byte port; an
 * extended id byte and its payload (BEP 10).
 */
const INDEX_BYTES = 4;
const BLOCK_REF_BYTES = 12;
const PORT_BYTES = 2;
const EXTENDED_ID_BYTES = 1;

/** A piece frame's bytes before the block's own: length, id, index and begin. */
export const BT_PIECE_HEADER_BYTES = FRAME_HEADER_BYTES + BLOCK_HEAD_BYTES;

/**
 * Encodes one message as a complete frame (length prefix included). Throws
 * RangeError for a value that does not fit its field (a caller bug).
 */
export function encodeBtMessage(m: BtMessage): Buffer {
  if (isBareMessage(m)) return allocateFrame(BT_MESSAGE_ID[m.kind], 0);
  switch (m.kind) {
    case 'keep-alive':
      return Buffer.alloc(LENGTH_PREFIX_BYTES);
    case 'have':
    case 'suggest':
    case 'allowed-fast':
      return withUint32s(allocateFrame(BT_MESSAGE_ID[m.kind], INDEX_BYTES), m.kind, [m.index]);
    case 'request':
    case 'cancel':
    case 'reject':
      return withUint32s(allocateFrame(BT_MESSAGE_ID[m.kind], BLOCK_REF_BYTES), m.kind, [m.index, m.begin, m.length]);
    case 'bitfield': {
      const frame = allocateFrame(BT_MESSAGE_ID.bitfield, m.bits.length);
      m.bits.copy(frame, FRAME_HEADER_BYTES);
      return frame;
    }
    case 'piece':
      return Buffer.concat([encodeBtPieceHeader(m.index, m.begin, m.data.length), m.data]);
    case 'port': {
      assertIntegerIn(m.port, 0, 0xffff, 'port');
      const frame = allocateFrame(BT_MESSAGE_ID.port, PORT_BYTES);
      frame.writeUInt16BE(m.port, FRAME_HEADER_BYTES);
      return frame;
    }
    case 'extended': {
      assertIntegerIn(m.id, 0, 0xff, 'extended id');
      const frame = allocateFrame(BT_MESSAGE_ID.extended, EXTENDED_ID_BYTES + m.payload.length);
      frame[FRAME_HEADER_BYTES] = m.id;
      m.payload.copy(frame, FRAME_HEADER_BYTES + EXTENDED_ID_BYTES);
      return frame;
    }
    default: {
      const unknown: never = m;
      throw new RangeError(`cannot encode message kind ${String((unknown as { kind: unknown }).kind)}`);
    }
  }
}

/**
 * Several `request` frames back to back in one buffer, the same bytes as
 * encoding each: a peer's queue is topped up many blocks at a time, and one
 * buffer for them all is one allocation instead of one per block.
 */
export function encodeBtRequests(blocks: readonly { readonly index: number; readonly begin: number; readonly length: number }[]): Buffer {
  const frameBytes = FRAME_HEADER_BYTES + BLOCK_REF_BYTES;
  const frames = Buffer.allocUnsafe(blocks.length * frameBytes);
  blocks.forEach((block, i) => {
    const at = i * frameBytes;
    frames.writeUInt32BE(TYPE_BYTES + BLOCK_REF_BYTES, at);
    frames.writeUInt8(BT_MESSAGE_ID.request, at + LENGTH_PREFIX_BYTES);
    withUint32s(frames, 'request', [block.index, block.begin, block.length], at);
  });
  return frames;
}

/**
 * The first 13 bytes of a piece frame, for a sender that writes the block's
 * bytes after them as they are instead of copying them into one frame.
 */
export function encodeBtPieceHeader(index: number, begin: number, dataBytes: number): Buffer {
  const header = allocateFrame(BT_MESSAGE_ID.piece, BLOCK_HEAD_BYTES + dataBytes, BT_PIECE_HEADER_BYTES);
  return withUint32s(header, 'piece', [index, begin]);
}

/** Writes `values` as 4-byte big-endian fields right after the header of the frame at byte `at`. */
function withUint32s(frame: Buffer, kind: string, values: number[], at = 0): Buffer {
  values.forEach((value, i) => {
    assertUint32(value, `${kind} field ${i + 1}`);
    frame.writeUInt32BE(value, at + FRAME_HEADER_BYTES + i * INDEX_BYTES);
  });
  return frame;
}

/**
 * The framing rules of a torrent of `pieceCount` pieces: a bitfield must be
 * exactly ceil(pieceCount/8) bytes, and that is known from its header.
 */
export function btFrameRules(pieceCount: number | 'unknown'): FrameRules<BtMessage> {
  return {
    emptyFrame: () => ({ kind: 'keep-alive' }),
    checkHeader: (typeByte, payloadBytes) => checkHeader(typeByte, payloadBytes, pieceCount),
    fromPayload,
  };
}

/**
 * Decodes the first frame of `bytes` for a torrent of `pieceCount` pieces (see
 * decodeFrame: trailing bytes are left alone, an incomplete frame says how many
 * bytes it needs, every size rule is applied from the 5-byte header).
 * Zero copy: bits, data and payloads are subarrays of `bytes`.
 */
export function decodeBtMessage(bytes: Buffer, pieceCount: number): DecodeResult<BtMessage> {
  return decodeFrame(bytes, btMaxMessageLength(pieceCount), btFrameRules(pieceCount));
}

/** The payload size of every kind whose size is fixed (BEP 3, BEP 6); bitfield, piece and extended vary. */
const FIXED_PAYLOAD_BYTES: Partial<Record<BtMessage['kind'], number>> = {
  choke: 0,
  unchoke: 0,
  interested: 0,
  'not-interested': 0,
  'have-all': 0,
  'have-none': 0,
  have: INDEX_BYTES,
  suggest: INDEX_BYTES,
  'allowed-fast': INDEX_BYTES,
  request: BLOCK_REF_BYTES,
  cancel: BLOCK_REF_BYTES,
  reject: BLOCK_REF_BYTES,
  port: PORT_BYTES,
};

function checkHeader(typeByte: number, payloadBytes: number, pieceCount: number | 'unknown'): void {
  const kind = btKindOf(typeByte);
  if (kind === undefined) throw new ProtocolError('unknown-message-type', `unknown message type ${typeByte}`, { typeByte });
  const fixed = FIXED_PAYLOAD_BYTES[kind];
  if (fixed !== undefined) {
    if (payloadBytes !== fixed) throw badPayloadLength(kind, payloadBytes, `must be ${fixed}`);
    return;
  }
  switch (kind) {
    case 'bitfield': {
      if (pieceCount === 'unknown') return atMost(kind, payloadBytes, TYPE_BYTES + Math.ceil(MAX_PIECE_COUNT / 8), `the bitfield of ${MAX_PIECE_COUNT} pieces`);
      const wrongLength = checkBitfieldLength(payloadBytes, pieceCount);
      if (wrongLength) throw wrongLength;
      return;
    }
    case 'piece':
      // An empty block is legal framing; MessageRules refuses it with the geometry's other rules.
      if (payloadBytes < BLOCK_HEAD_BYTES) throw badPayloadLength(kind, payloadBytes, `must be at least ${BLOCK_HEAD_BYTES}`);
      return atMost(kind, payloadBytes, MAX_PIECE_MESSAGE_LENGTH, 'a 16 KiB block');
    case 'extended':
      if (payloadBytes < EXTENDED_ID_BYTES) throw badPayloadLength(kind, payloadBytes, `must be at least ${EXTENDED_ID_BYTES}`);
      return atMost(kind, payloadBytes, MAX_EXTENDED_MESSAGE_LENGTH, 'a 16 KiB block and 1 KiB of dictionary');
  }
}

/** A kind whose size varies, over its own cap (the frame's cap is the largest kind's). */
function atMost(kind: string, payloadBytes: number, maxMessageLength: number, what: string): void {
  const messageLength = TYPE_BYTES + payloadBytes;
  if (messageLength <= maxMessageLength) return;
  throw new ProtocolError('frame-too-large', `${kind} frame length ${messageLength} exceeds the maximum ${maxMessageLength} (${what})`, {
    type: kind,
    messageLength,
    maxMessageLength,
  });
}

function fromPayload(typeByte: number, payload: Buffer): BtMessage {
  const kind = btKindOf(typeByte)!; // checkHeader has refused unknown ids
  if (isBareKind(kind)) return { kind };
  const uint32At = (i: number): number => payload.readUInt32BE(i * INDEX_BYTES);
  switch (kind) {
    case 'have':
    case 'suggest':
    case 'allowed-fast':
      return { kind, index: uint32At(0) };
    case 'request':
    case 'cancel':
    case 'reject':
      return { kind, index: uint32At(0), begin: uint32At(1), length: uint32At(2) };
    case 'bitfield':
      return { kind, bits: payload };
    case 'piece':
      return { kind, index: uint32At(0), begin: uint32At(1), data: payload.subarray(BLOCK_HEAD_BYTES) };
    case 'port':
      return { kind, port: payload.readUInt16BE(0) };
    case 'extended':
      return { kind, id: payload[0], payload: payload.subarray(EXTENDED_ID_BYTES) };
  }
}
