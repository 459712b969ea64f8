import { Message } from './Message.js';
import { MessageType, messageTypeName } from './MessageType.js';
import { ProtocolError } from './ProtocolError.js';

/** What the rules need to know of the torrent (protocol.md, "Files a peer reads": pieces = ceil(FileSize / PieceSize)). */
export interface PieceGeometry {
  pieceCount: number;
  /** Bytes in piece `index` (the last piece is shorter); only called with 0 <= index < pieceCount. */
  pieceLength(index: number): number;
}

/**
 * The rules that need the torrent's geometry, applied to a decoded message.
 * Returns the violation (for the caller to log and close on) or undefined.
 * Not checked here because they are connection state, not message shape:
 * requests while choked, unrequested pieces, pieces we lack.
 */
export function checkMessage(m: Message, geometry: PieceGeometry): ProtocolError | undefined {
  switch (m.type) {
    case MessageType.Have:
    case MessageType.Request:
      return checkIndex(m.type, m.index, geometry);
    case MessageType.Piece: {
      const outOfRange = checkIndex(m.type, m.index, geometry);
      if (outOfRange) return outOfRange;
      // A request asks for a whole piece (no blocks), so the answer is the whole piece.
      const expectedBytes = geometry.pieceLength(m.index);
      if (m.data.length !== expectedBytes) {
        return new ProtocolError('bad-piece-length', `piece ${m.index} carries ${m.data.length} bytes, expected ${expectedBytes}`, {
          index: m.index,
          dataBytes: m.data.length,
          expectedBytes,
        });
      }
      return undefined;
    }
    case MessageType.Bitfield:
      return checkBitfield(m.bits, geometry.pieceCount);
    default:
      return undefined; // choke, unchoke, interested, not interested: nothing to check
  }
}

function checkIndex(type: MessageType, index: number, geometry: PieceGeometry): ProtocolError | undefined {
  if (index < geometry.pieceCount) return undefined;
  return new ProtocolError(
    'index-out-of-range',
    `${messageTypeName(type)} for piece ${index}, but there are ${geometry.pieceCount} pieces`,
    { type: messageTypeName(type), index, pieceCount: geometry.pieceCount },
  );
}

/** protocol.md, "bitfield": ceil(pieces/8) bytes; piece 0 is the high bit of byte 0; spare bits zero. */
function checkBitfield(bits: Buffer, pieceCount: number): ProtocolError | undefined {
  const expectedBytes = Math.ceil(pieceCount / 8);
  // Tolerance: some implementations send a bitfield with no bytes at all when
  // they hold nothing; it reads as "has nothing", like a missing bitfield.
  if (bits.length === 0) return undefined;
  if (bits.length !== expectedBytes) {
    return new ProtocolError('bad-bitfield-length', `bitfield of ${bits.length} bytes, expected ${expectedBytes} for ${pieceCount} pieces`, {
      lengthBytes: bits.length,
      expectedBytes,
      pieceCount,
    });
  }
  const spareBits = expectedBytes * 8 - pieceCount; // 0..7, the low bits of the last byte
  if (spareBits > 0) {
    const spareMask = (1 << spareBits) - 1;
    const lastByte = bits[expectedBytes - 1];
    if ((lastByte & spareMask) !== 0) {
      return new ProtocolError('bad-bitfield-spare-bits', `bitfield sets spare bits after piece ${pieceCount - 1} (last byte 0x${lastByte.toString(16).padStart(2, '0')})`, {
        lastByte,
        spareBits,
        pieceCount,
      });
    }
  }
  return undefined;
}
