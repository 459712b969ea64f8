import { BufferPool, pieceBuffers } from '../BufferPool.js';
import { FrameReaderLimits, MessageReader } from '../MessageReader.js';
import { decodeFrame } from '../frame.js';
import { BT_HANDSHAKE_HEAD_LENGTH, HandshakeHead, PEER_ID_BYTES, checkBtHandshakePrefix, decodeHandshakeHead } from './Handshake.js';
import { BT_MESSAGE_ID, BtMessage } from './Message.js';
import { btFrameRules } from './MessageCodec.js';
import { MAX_PIECE_COUNT, btFrameLimits } from './limits.js';

/**
 * The BitTorrent dialect's reader for one connection: the handshake in two
 * steps, then messages (keep-alives included: the connection decides what
 * silence means).
 *
 *   reader.push(chunk);
 *   head ??= reader.readHandshakeHead();  // 48 bytes: route by head.infoHash, or close
 *   peerId ??= reader.readPeerId();       // 20 bytes (a listener answers before waiting for them)
 *   for (let m = reader.readMessage(); m; m = reader.readMessage()) handle(m);
 *
 * A piece's frame is lent by `pool` (see MessageReader).
 */
export class BtFrameReader extends MessageReader<BtMessage> {
  /** `pieceCount` 'unknown': a bitfield of any length up to MAX_PIECE_COUNT pieces passes (metadata only, BEP 9). */
  constructor(pieceCount: number | 'unknown', limits: FrameReaderLimits = btFrameLimits(pieceCount === 'unknown' ? MAX_PIECE_COUNT : pieceCount), pool: BufferPool = pieceBuffers) {
    const rules = btFrameRules(pieceCount);
    super(
      limits,
      { decode: (bytes) => decodeFrame(bytes, limits.maxMessageLength, rules), isPooled: (typeByte) => typeByte === BT_MESSAGE_ID.piece },
      pool,
    );
  }

  /**
   * Protocol string, reserved bits and info-hash once their 48 bytes are there
   * (consumes exactly them), else undefined. A wrong protocol string is thrown
   * from its first wrong byte.
   */
  readHandshakeHead(): HandshakeHead | undefined {
    return this.readFixed(BT_HANDSHAKE_HEAD_LENGTH, checkBtHandshakePrefix, decodeHandshakeHead);
  }

  /** The remote peer id (20 bytes, any values) after the head, else undefined. */
  readPeerId(): Buffer | undefined {
    return this.readFixed(PEER_ID_BYTES, () => {}, (bytes) => bytes);
  }
}
