import { BufferPool, pieceBuffers } from '../BufferPool.js';
import { FrameReaderLimits, MessageReader } from '../MessageReader.js';
import { HANDSHAKE_LENGTH, checkHandshakePrefix, decodeHandshake } from './Handshake.js';
import { Message } from './Message.js';
import { MessageType } from './MessageType.js';
import { decodeMessage } from './MessageCodec.js';

/**
 * The course dialect's reader (protocol.md): the 32-byte handshake, then
 * messages of types 0-7. A piece's frame is lent by `pool` (see MessageReader).
 *
 *   reader.push(chunk);
 *   if (peerId === undefined) peerId = reader.readHandshake();
 *   for (let m = reader.readMessage(); m; m = reader.readMessage()) handle(m);
 */
export class FrameReader extends MessageReader<Message> {
  constructor(limits: FrameReaderLimits, pool: BufferPool = pieceBuffers) {
    super(
      limits,
      { decode: (bytes) => decodeMessage(bytes, limits.maxMessageLength), isPooled: (typeByte) => typeByte === MessageType.Piece },
      pool,
    );
  }

  /**
   * The peer ID once 32 bytes are there (consumes exactly them: what follows,
   * e.g. the bitfield in the same segment, stays queued), else undefined.
   * A wrong header or padding is thrown as soon as the offending byte arrives.
   */
  readHandshake(): number | undefined {
    return this.readFixed(HANDSHAKE_LENGTH, checkHandshakePrefix, decodeHandshake);
  }
}
