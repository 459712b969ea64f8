import { ProtocolError } from './ProtocolError.js';

/**
 * What the wire rules need to know of the torrent: pieces = ceil(length / piece
 * length), the last one shorter (protocol.md, "Files a peer reads"; BEP 3, "info").
 */
export interface PieceGeometry {
  pieceCount: number;
  /** Bytes in piece `index` (the last piece is shorter); only called with 0 <= index < pieceCount. */
  pieceLength(index: number): number;
}

/** A message naming piece `index` of a torrent that has fewer pieces. */
export function checkPieceIndex(typeName: string, index: number, pieceCount: number): ProtocolError | undefined {
  if (index < pieceCount) return undefined;
  return new ProtocolError('index-out-of-range', `${typeName} for piece ${index}, but there are ${pieceCount} pieces`, {
    type: typeName,
    index,
    pieceCount,
  });
}

/** Both dialects: ceil(pieces/8) bytes; piece 0 is the high bit of byte 0; spare bits zero. */
export function checkBitfield(bits: Buffer, pieceCount: number): ProtocolError | undefined {
  const wrongLength = checkBitfieldLength(bits.length, pieceCount);
  if (wrongLength) return wrongLength;
  const expectedBytes = bits.length;
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

/** A bitfield's length alone: known from a frame's header, before its bytes arrive. */
export function checkBitfieldLength(lengthBytes: number, pieceCount: number): ProtocolError | undefined {
  const expectedBytes = bitfieldBytes(pieceCount);
  if (lengthBytes === expectedBytes) return undefined;
  return new ProtocolError('bad-bitfield-length', `bitfield of ${lengthBytes} bytes, expected ${expectedBytes} for ${pieceCount} pieces`, {
    lengthBytes,
    expectedBytes,
    pieceCount,
  });
}

/** The size of a bitfield for `pieceCount` pieces. */
export function bitfieldBytes(pieceCount: number): number {
  return Math.ceil(pieceCount / 8);
}
