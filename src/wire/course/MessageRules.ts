import { PieceGeometry, checkBitfield, checkPieceIndex } from '../PieceGeometry.js';
import { ProtocolError } from '../ProtocolError.js';
import { Message } from './Message.js';
import { MessageType, messageTypeName } from './MessageType.js';

export type { PieceGeometry };

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
      return checkPieceIndex(messageTypeName(m.type), m.index, geometry.pieceCount);
    case MessageType.Piece: {
      const outOfRange = checkPieceIndex(messageTypeName(m.type), m.index, geometry.pieceCount);
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
      // Tolerance (protocol.md, "Bitfield"): some implementations send a bitfield
      // with no bytes at all when they hold nothing; it reads as "has nothing",
      // like a missing bitfield.
      return m.bits.length === 0 ? undefined : checkBitfield(m.bits, geometry.pieceCount);
    default:
      return undefined; // choke, unchoke, interested, not interested: nothing to check
  }
}
