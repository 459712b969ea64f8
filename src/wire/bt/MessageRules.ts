import { PieceGeometry, checkBitfield, checkPieceIndex } from '../PieceGeometry.js';
import { ProtocolError } from '../ProtocolError.js';
import { BLOCK_BYTES } from './limits.js';
import { BtMessage } from './Message.js';

/**
 * The rules that need the torrent's geometry, applied to a decoded message.
 * Returns the violation (for the caller to log and close on) or undefined.
 * Not checked here because they are connection state, not message shape:
 * requests while choked, unrequested blocks, fast messages without BEP 6.
 */
export function checkBtMessage(m: BtMessage, geometry: PieceGeometry): ProtocolError | undefined {
  switch (m.kind) {
    case 'have':
    case 'suggest':
    case 'allowed-fast':
      return checkPieceIndex(m.kind, m.index, geometry.pieceCount);
    case 'bitfield':
      return checkBitfield(m.bits, geometry.pieceCount);
    case 'request':
    case 'cancel':
    case 'reject':
      return checkBlock(m.kind, m.index, m.begin, m.length, geometry);
    case 'piece':
      return checkBlock(m.kind, m.index, m.begin, m.data.length, geometry);
    default:
      return undefined; // no piece named: nothing to check against the torrent
  }
}

/** A block of 1 to 16 KiB inside one piece (BEP 3: requests are for 16 KiB; the last block of a piece may be shorter). */
function checkBlock(kind: string, index: number, begin: number, length: number, geometry: PieceGeometry): ProtocolError | undefined {
  const outOfRange = checkPieceIndex(kind, index, geometry.pieceCount);
  if (outOfRange) return outOfRange;
  const detail = { type: kind, index, begin, length };
  if (length === 0) return new ProtocolError('empty-block', `${kind} for 0 bytes of piece ${index} at ${begin}`, detail);
  if (length > BLOCK_BYTES) {
    return new ProtocolError('block-too-large', `${kind} for ${length} bytes, more than a ${BLOCK_BYTES}-byte block`, { ...detail, maxBytes: BLOCK_BYTES });
  }
  const pieceBytes = geometry.pieceLength(index);
  if (begin + length > pieceBytes) {
    return new ProtocolError('block-past-piece-end', `${kind} for bytes ${begin}..${begin + length} of piece ${index}, which has ${pieceBytes}`, {
      ...detail,
      pieceBytes,
    });
  }
  return undefined;
}
