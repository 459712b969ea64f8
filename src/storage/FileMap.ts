/** One file of a torrent, as storage sees it. */
export interface MappedFile {
  /** Segments relative to the download folder. */
  readonly path: readonly string[];
  readonly length: number;
  /** A BEP 47 padding file: its bytes are zeros that are never written to disk. */
  readonly padding?: boolean;
}

/** A run of bytes inside one file. */
export interface FileSegment {
  fileIndex: number;
  /** Where the run starts, in bytes from the start of the file. */
  offset: number;
  length: number;
}

/** Pieces `first` up to, not including, `end`. */
export interface PieceSpan {
  first: number;
  end: number;
}

/**
 * A torrent's files laid end to end, cut into pieces of `pieceLength` bytes
 * (the last one shorter): pieces run across file boundaries (BEP 3), so one
 * piece may touch many files. A 0-byte file covers no bytes, so it is in no
 * piece and no segment, but it is still one of the files to create.
 */
export class FileMap {
  readonly totalLength: number;
  readonly pieceCount: number;
  /** Where each file starts in the torrent's bytes. */
  private readonly starts: number[];
  /** Where each file ends (start + length): never decreasing, so it can be searched. */
  private readonly ends: number[];

  constructor(
    readonly files: readonly MappedFile[],
    readonly pieceLength: number,
  ) {
    if (!Number.isSafeInteger(pieceLength) || pieceLength < 1) throw new RangeError(`bad piece length ${pieceLength}`);
    this.starts = [];
    this.ends = [];
    let offset = 0;
    for (const file of files) {
      if (!Number.isSafeInteger(file.length) || file.length < 0) throw new RangeError(`bad length ${file.length} for ${file.path.join('/')}`);
      this.starts.push(offset);
      offset += file.length;
      this.ends.push(offset);
    }
    if (!Number.isSafeInteger(offset) || offset < 1) throw new RangeError(`bad total length ${offset}`);
    this.totalLength = offset;
    this.pieceCount = Math.ceil(offset / pieceLength);
  }

  lengthOfPiece(index: number): number {
    this.checkPiece(index);
    return Math.min(this.pieceLength, this.totalLength - index * this.pieceLength);
  }

  /** Where file `fileIndex` starts in the torrent's bytes. */
  fileStart(fileIndex: number): number {
    this.checkFile(fileIndex);
    return this.starts[fileIndex];
  }

  /**
   * The file segments that hold bytes `begin` to `begin + length` of piece
   * `index`, in order; together they are exactly that range.
   */
  segments(index: number, begin: number, length: number): FileSegment[] {
    const pieceLength = this.lengthOfPiece(index);
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(length) || begin < 0 || length < 0 || begin + length > pieceLength) {
      throw new RangeError(`bytes ${begin}..${begin + length} are not inside piece ${index} (${pieceLength} bytes)`);
    }
    const segments: FileSegment[] = [];
    let at = index * this.pieceLength + begin;
    const end = at + length;
    for (let fileIndex = this.fileHolding(at); at < end; fileIndex++) {
      const take = Math.min(end, this.ends[fileIndex]) - at;
      if (take > 0) {
        segments.push({ fileIndex, offset: at - this.starts[fileIndex], length: take });
        at += take;
      }
    }
    return segments;
  }

  /** The files that hold at least one byte of piece `index`, in order. */
  filesOfPiece(index: number): number[] {
    return this.segments(index, 0, this.lengthOfPiece(index)).map((segment) => segment.fileIndex);
  }

  /** The pieces holding bytes of file `fileIndex`: none for a 0-byte file (it is complete as soon as it exists). */
  piecesOfFile(fileIndex: number): PieceSpan {
    const start = this.fileStart(fileIndex);
    const first = Math.floor(start / this.pieceLength);
    const length = this.files[fileIndex].length;
    return { first, end: length === 0 ? first : Math.ceil((start + length) / this.pieceLength) };
  }

  /** The first file that ends after byte `at`: the one holding it (0-byte files end where they start, so they are passed over). */
  private fileHolding(at: number): number {
    let low = 0;
    let high = this.ends.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.ends[middle] > at) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  private checkPiece(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.pieceCount) throw new RangeError(`piece ${index} out of range 0..${this.pieceCount - 1}`);
  }

  private checkFile(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.files.length) throw new RangeError(`file ${index} out of range 0..${this.files.length - 1}`);
  }
}
