import { ProtocolError } from './ProtocolError.js';
import { UINT32_MAX } from './uint32.js';

/*
 * The framing both dialects share (protocol.md, "Messages"; BEP 3, "peer messages"):
 * `length (4 bytes, big-endian) | type (1 byte) | payload`. The length counts the
 * type byte and the payload, not itself. Throughout this layer "message length"
 * means that field's value and "frame" means prefix + message.
 */
export const LENGTH_PREFIX_BYTES = 4;
export const TYPE_BYTES = 1;
/** Length and type: enough of a frame to apply every framing rule before its body is buffered. */
export const FRAME_HEADER_BYTES = LENGTH_PREFIX_BYTES + TYPE_BYTES;

export type DecodeResult<M> =
  | { kind: 'message'; message: M; bytesUsed: number }
  | { kind: 'need'; bytesNeeded: number };

/** What a dialect says about its frames; the order in which they are asked is decodeFrame's. */
export interface FrameRules<M> {
  /** A frame of length 0: the course has none (throws), BitTorrent calls it a keep-alive. */
  emptyFrame(): M;
  /**
   * Throws ProtocolError if this type byte is unknown or cannot carry `payloadBytes`:
   * applied to the 5-byte header alone, before the body is buffered.
   */
  checkHeader(typeByte: number, payloadBytes: number): void;
  /** The message from a complete payload that passed checkHeader. */
  fromPayload(typeByte: number, payload: Buffer): M;
}

/**
 * Decodes the first frame of `bytes`; bytes after it are left alone and
 * `bytesUsed` says where the next frame starts. When the frame is incomplete it
 * returns `need` with the least number of further bytes that could complete it.
 *
 * Errors are raised as early as the bytes allow, so a reader can refuse a peer
 * before buffering a body: the length rules from the 4-byte prefix alone, the
 * type and payload-size rules from the 5th byte.
 *
 * Zero copy: payloads are subarrays of `bytes` and share its memory.
 */
export function decodeFrame<M>(bytes: Buffer, maxMessageLength: number, rules: FrameRules<M>): DecodeResult<M> {
  if (!Number.isInteger(maxMessageLength) || maxMessageLength < 1) {
    throw new RangeError(`maxMessageLength must be a positive integer, got ${maxMessageLength}`);
  }
  if (bytes.length < LENGTH_PREFIX_BYTES) return { kind: 'need', bytesNeeded: LENGTH_PREFIX_BYTES - bytes.length };

  const messageLength = bytes.readUInt32BE(0);
  if (messageLength === 0) return { kind: 'message', message: rules.emptyFrame(), bytesUsed: LENGTH_PREFIX_BYTES };
  if (messageLength > maxMessageLength) {
    throw new ProtocolError('frame-too-large', `frame length ${messageLength} exceeds the maximum ${maxMessageLength}`, {
      messageLength,
      maxMessageLength,
    });
  }
  if (bytes.length < FRAME_HEADER_BYTES) {
    return { kind: 'need', bytesNeeded: LENGTH_PREFIX_BYTES + messageLength - bytes.length };
  }

  const typeByte = bytes[LENGTH_PREFIX_BYTES];
  rules.checkHeader(typeByte, messageLength - TYPE_BYTES);

  const frameBytes = LENGTH_PREFIX_BYTES + messageLength;
  if (bytes.length < frameBytes) return { kind: 'need', bytesNeeded: frameBytes - bytes.length };
  return { kind: 'message', message: rules.fromPayload(typeByte, bytes.subarray(FRAME_HEADER_BYTES, frameBytes)), bytesUsed: frameBytes };
}

/**
 * Allocates a frame (or only its first `allocateBytes`, for a sender that
 * writes a large payload after it as it is) and writes its prefix and type
 * byte; the caller fills every payload byte.
 */
export function allocateFrame(typeByte: number, payloadBytes: number, allocateBytes = FRAME_HEADER_BYTES + payloadBytes): Buffer {
  const messageLength = TYPE_BYTES + payloadBytes;
  if (messageLength > UINT32_MAX) throw new RangeError(`message of ${messageLength} bytes does not fit the 4-byte length field`);
  const frame = Buffer.allocUnsafe(allocateBytes);
  frame.writeUInt32BE(messageLength, 0);
  frame.writeUInt8(typeByte, LENGTH_PREFIX_BYTES);
  return frame;
}

/** A payload whose size the type does not allow; `rule` says what it must be. */
export function badPayloadLength(typeName: string, payloadBytes: number, rule: string): ProtocolError {
  return new ProtocolError('bad-payload-length', `${typeName} payload of ${payloadBytes} bytes (${rule})`, {
    type: typeName,
    payloadBytes,
  });
}
