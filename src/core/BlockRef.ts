/**
 * A run of bytes of one piece: what a request asks for and what a piece
 * message carries. BitTorrent moves 16 KiB blocks (BEP 3); the course moves
 * whole pieces (protocol.md), the case `begin = 0, length = the piece's length`.
 * The network half and the logic half speak of blocks, never of a dialect.
 */
export interface BlockRef {
  readonly index: number;
  readonly begin: number;
  readonly length: number;
}

/** Piece `index` as one block of `length` bytes. */
export function wholePiece(index: number, length: number): BlockRef {
  return { index, begin: 0, length };
}

