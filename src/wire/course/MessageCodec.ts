import { type DecodeResult as FrameDecodeResult, type FrameRules, LENGTH_PREFIX_BYTES, TYPE_BYTES, allocateFrame, badPayloadLength, decodeFrame } from '../frame.js';
import { ProtocolError } from '../ProtocolError.js';
import { UINT32_MAX, assertUint32 } from '../uint32.js';
import { Message } from './Message.js';
import { MessageType, isMessageType, messageTypeName } from './MessageType.js';

// protocol.md, "Messages": the shared framing of ../frame.ts, types 0-7.
export { LENGTH_PREFIX_BYTES };
const INDEX_BYTES = 4; // have, request, piece: a 4-byte big-endian piece index

/**
 * The largest legal value of the length field for a torrent whose pieces are at
 * most `pieceSizeBytes` long: a piece message, 1 (type) + 4 (index) + the piece.
 * Every other message is smaller (a bitfield is 1 + ceil(pieces/8) bytes, far
 * below any sane piece size), so this is the cap to pass to decodeMessage and
 * FrameReader.
 */
export function maxMessageLength(pieceSizeBytes: number): number {
  if (!Number.isInteger(pieceSizeBytes) || pieceSizeBytes < 0 || pieceSizeBytes > UINT32_MAX - TYPE_BYTES - INDEX_BYTES) {
    throw new RangeError(`piece size must be an integer in 0..${UINT32_MAX - TYPE_BYTES - INDEX_BYTES}, got ${pieceSizeBytes}`);
  }
  return TYPE_BYTES + INDEX_BYTES + pieceSizeBytes;
}

/**
 * Encodes one message as a complete frame (length prefix included), in a single
 * allocation. Throws RangeError for an index that is not a uint32 (a caller bug).
 */
export function encodeMessage(m: Message): Buffer {
  switch (m.type) {
    case MessageType.Choke:
    case MessageType.Unchoke:
    case MessageType.Interested:
    case MessageType.NotInterested:
      return allocateFrame(m.type, 0);
    case MessageType.Have:
    case MessageType.Request: {
      assertUint32(m.index, `${messageTypeName(m.type)} index`);
      const frame = allocateFrame(m.type, INDEX_BYTES);
      frame.writeUInt32BE(m.index, LENGTH_PREFIX_BYTES + TYPE_BYTES);
      return frame;
    }
    case MessageType.Bitfield: {
      const frame = allocateFrame(m.type, m.bits.length);
      m.bits.copy(frame, LENGTH_PREFIX_BYTES + TYPE_BYTES);
      return frame;
    }
    case MessageType.Piece: {
      const frame = Buffer.allocUnsafe(PIECE_HEADER_BYTES + m.data.length);
      encodePieceHeader(m.index, m.data.length).copy(frame);
      m.data.copy(frame, PIECE_HEADER_BYTES);
      return frame;
    }
    default: {
      const unknown: never = m;
      throw new RangeError(`cannot encode message type ${String((unknown as { type: unknown }).type)}`);
    }
  }
}

/** A piece frame's bytes before the piece's own: length, type and index. */
export const PIECE_HEADER_BYTES = LENGTH_PREFIX_BYTES + TYPE_BYTES + INDEX_BYTES;

/**
 * The first 9 bytes of a piece frame, for a sender that writes the piece's
 * bytes after them as they are instead of copying them into one frame.
 */
export function encodePieceHeader(index: number, dataBytes: number): Buffer {
  assertUint32(index, 'piece index');
  const header = allocateFrame(MessageType.Piece, INDEX_BYTES + dataBytes, PIECE_HEADER_BYTES);
  header.writeUInt32BE(index, LENGTH_PREFIX_BYTES + TYPE_BYTES);
  return header;
}

export type DecodeResult = FrameDecodeResult<Message>;

/** protocol.md has no keep-alive; the rest of its framing is decodeFrame's. */
const COURSE_FRAMES: FrameRules<Message> = {
  emptyFrame() {
    // Standard BitTorrent would call this a keep-alive; protocol.md has none.
    throw new ProtocolError('empty-frame', 'frame of length 0 (this protocol has no keep-alive)');
  },
  checkHeader(typeByte, payloadBytes) {
    if (!isMessageType(typeByte)) {
      throw new ProtocolError('unknown-message-type', `unknown message type ${typeByte}`, { typeByte });
    }
    checkPayloadLength(typeByte, payloadBytes);
  },
  fromPayload: (typeByte, payload) => messageFromPayload(typeByte as MessageType, payload),
};

/**
 * Decodes the first frame of `bytes` (see decodeFrame: trailing bytes are left
 * alone, an incomplete frame says how many bytes it needs, and the length, type
 * and payload-size rules are applied as soon as their bytes are there).
 *
 * `maxMessageLength` is the largest accepted value of the length field (see
 * maxMessageLength()).
 *
 * Zero copy: a bitfield's `bits` and a piece's `data` are subarrays of `bytes`
 * and share its memory. Copy them (FrameReader does) if `bytes` will be reused.
 */
export function decodeMessage(bytes: Buffer, maxMessageLength: number): DecodeResult {
  return decodeFrame(bytes, maxMessageLength, COURSE_FRAMES);
}

/** protocol.md's payload column: none for 0-3, a 4-byte index for have/request, index + data for piece. */
function checkPayloadLength(type: MessageType, payloadBytes: number): void {
  switch (type) {
    case MessageType.Choke:
    case MessageType.Unchoke:
    case MessageType.Interested:
    case MessageType.NotInterested:
      if (payloadBytes !== 0) throw badPayloadLength(messageTypeName(type), payloadBytes, 'must be 0');
      return;
    case MessageType.Have:
    case MessageType.Request:
      if (payloadBytes !== INDEX_BYTES) throw badPayloadLength(messageTypeName(type), payloadBytes, `must be ${INDEX_BYTES}`);
      return;
    case MessageType.Piece:
      // Exactly 4 (no data) is legal here; MessageRules checks the piece's real size.
      if (payloadBytes < INDEX_BYTES) throw badPayloadLength(messageTypeName(type), payloadBytes, `must be at least ${INDEX_BYTES}`);
      return;
    case MessageType.Bitfield:
      return; // any size here; MessageRules checks ceil(pieces/8)
  }
}

function messageFromPayload(type: MessageType, payload: Buffer): Message {
  switch (type) {
    case MessageType.Choke:
    case MessageType.Unchoke:
    case MessageType.Interested:
    case MessageType.NotInterested:
      return { type };
    case MessageType.Have:
    case MessageType.Request:
      return { type, index: payload.readUInt32BE(0) };
    case MessageType.Bitfield:
      return { type, bits: payload };
    case MessageType.Piece:
      return { type, index: payload.readUInt32BE(0), data: payload.subarray(INDEX_BYTES) };
  }
}
