/**
 * Where each piece sits in the file. Pieces = ceil(FileSize / PieceSize); every
 * piece is PieceSize bytes except the last, which holds the remainder.
 */
export class PieceLayout {
  readonly pieceCount: number;

  constructor(
    readonly fileSize: number,
    readonly pieceSize: number,
  ) {
    if (!Number.isSafeInteger(fileSize) || fileSize < 1) throw new RangeError(`bad file size ${fileSize}`);
    if (!Number.isSafeInteger(pieceSize) || pieceSize < 1) throw new RangeError(`bad piece size ${pieceSize}`);
    this.pieceCount = Math.ceil(fileSize / pieceSize);
  }

  offsetOf(index: number): number {
    this.check(index);
    return index * this.pieceSize;
  }

  pieceLength(index: number): number {
    this.check(index);
    return index === this.pieceCount - 1 ? this.fileSize - index * this.pieceSize : this.pieceSize;
  }

  private check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) {
      throw new RangeError(`piece ${index} out of range 0..${this.pieceCount - 1}`);
    }
  }
}
