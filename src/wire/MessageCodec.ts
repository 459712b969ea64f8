import { Message } from './Message.js';
import { MessageType, isMessageType, messageTypeName } from './MessageType.js';
import { ProtocolError } from './ProtocolError.js';
import { UINT32_MAX, assertUint32 } from './uint32.js';

/*
 * protocol.md, "Messages": `length (4 bytes, big-endian) | type (1 byte) | payload`.
 * The length counts the type byte and the payload, not itself. Throughout this
 * layer "message length" means that field's value and "frame" means prefix + message.
 */
export const LENGTH_PREFIX_BYTES = 4;
const TYPE_BYTES = 1;
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
      return frameWithPayloadBytes(m.type, 0);
    case MessageType.Have:
    case MessageType.Request: {
      assertUint32(m.index, `${messageTypeName(m.type)} index`);
      const frame = frameWithPayloadBytes(m.type, INDEX_BYTES);
      frame.writeUInt32BE(m.index, LENGTH_PREFIX_BYTES + TYPE_BYTES);
      return frame;
    }
    case MessageType.Bitfield: {
      const frame = frameWithPayloadBytes(m.type, m.bits.length);
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
  const header = frameWithPayloadBytes(MessageType.Piece, INDEX_BYTES + dataBytes, PIECE_HEADER_BYTES);
  header.writeUInt32BE(index, LENGTH_PREFIX_BYTES + TYPE_BYTES);
  return header;
}

/**
 * Allocates the frame (or only its first `allocateBytes`) and writes its prefix
 * and type byte; the caller fills every payload byte.
 */
function frameWithPayloadBytes(type: MessageType, payloadBytes: number, allocateBytes = LENGTH_PREFIX_BYTES + TYPE_BYTES + payloadBytes): Buffer {
  const messageLength = TYPE_BYTES + payloadBytes;
  if (messageLength > UINT32_MAX) throw new RangeError(`message of ${messageLength} bytes does not fit the 4-byte length field`);
  const frame = Buffer.allocUnsafe(allocateBytes);
  frame.writeUInt32BE(messageLength, 0);
  frame.writeUInt8(type, LENGTH_PREFIX_BYTES);
  return frame;
}

export type DecodeResult =
  | { kind: 'message'; message: Message; bytesUsed: number }
  | { kind: 'need'; bytesNeeded: number };

/**
 * Decodes the first frame of `bytes`; bytes after it are left alone and
 * `bytesUsed` says where the next frame starts. When the frame is incomplete it
 * returns `need` with the least number of further bytes that could complete it.
 *
 * `maxMessageLength` is the largest accepted value of the length field (see
 * maxMessageLength()). Errors are raised as early as the bytes allow, so a
 * framer can reject a peer before buffering a body: the length rules from the
 * 4-byte prefix alone, the type and payload-size rules from the 5th byte.
 *
 * Zero copy: a bitfield's `bits` and a piece's `data` are subarrays of `bytes`
 * and share its memory. Copy them (FrameReader does) if `bytes` will be reused.
 */
export function decodeMessage(bytes: Buffer, maxMessageLength: number): DecodeResult {
  if (!Number.isInteger(maxMessageLength) || maxMessageLength < 1) {
    throw new RangeError(`maxMessageLength must be a positive integer, got ${maxMessageLength}`);
  }
  if (bytes.length < LENGTH_PREFIX_BYTES) return { kind: 'need', bytesNeeded: LENGTH_PREFIX_BYTES - bytes.length };

  const messageLength = bytes.readUInt32BE(0);
  if (messageLength === 0) {
    // Standard BitTorrent would call this a keep-alive; protocol.md has none.
    throw new ProtocolError('empty-frame', 'frame of length 0 (this protocol has no keep-alive)');
  }
  if (messageLength > maxMessageLength) {
    throw new ProtocolError('frame-too-large', `frame length ${messageLength} exceeds the maximum ${maxMessageLength}`, {
      messageLength,
      maxMessageLength,
    });
  }
  if (bytes.length < LENGTH_PREFIX_BYTES + TYPE_BYTES) {
    return { kind: 'need', bytesNeeded: LENGTH_PREFIX_BYTES + messageLength - bytes.length };
  }

  const typeByte = bytes[LENGTH_PREFIX_BYTES];
  if (!isMessageType(typeByte)) {
    throw new ProtocolError('unknown-message-type', `unknown message type ${typeByte}`, { typeByte });
  }
  const payloadBytes = messageLength - TYPE_BYTES;
  checkPayloadLength(typeByte, payloadBytes);

  const frameBytes = LENGTH_PREFIX_BYTES + messageLength;
  if (bytes.length < frameBytes) return { kind: 'need', bytesNeeded: frameBytes - bytes.length };

  const payload = bytes.subarray(LENGTH_PREFIX_BYTES + TYPE_BYTES, frameBytes);
  return { kind: 'message', message: messageFromPayload(typeByte, payload), bytesUsed: frameBytes };
}

/** protocol.md's payload column: none for 0-3, a 4-byte index for have/request, index + data for piece. */
function checkPayloadLength(type: MessageType, payloadBytes: number): void {
  switch (type) {
    case MessageType.Choke:
    case MessageType.Unchoke:
    case MessageType.Interested:
    case MessageType.NotInterested:
      if (payloadBytes !== 0) throw badPayloadLength(type, payloadBytes, 'must be 0');
      return;
    case MessageType.Have:
    case MessageType.Request:
      if (payloadBytes !== INDEX_BYTES) throw badPayloadLength(type, payloadBytes, `must be ${INDEX_BYTES}`);
      return;
    case MessageType.Piece:
      // Exactly 4 (no data) is legal here; MessageRules checks the piece's real size.
      if (payloadBytes < INDEX_BYTES) throw badPayloadLength(type, payloadBytes, `must be at least ${INDEX_BYTES}`);
      return;
    case MessageType.Bitfield:
      return; // any size here; MessageRules checks ceil(pieces/8)
  }
}

function badPayloadLength(type: MessageType, payloadBytes: number, rule: string): ProtocolError {
  const name = messageTypeName(type);
  return new ProtocolError('bad-payload-length', `${name} payload of ${payloadBytes} bytes (${rule})`, {
    type: name,
    payloadBytes,
  });
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
