import { createHash } from 'crypto';
import { Bitfield } from '../../src/core/Bitfield.js';
import type { BlockRef } from '../../src/core/BlockRef.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import type { PieceChecker } from '../../src/storage/PieceStore.js';
import type { TorrentData } from '../../src/torrent/TorrentData.js';

/** A torrent's bytes in memory, for tests of the torrent over an in-memory transport. */
export class MemoryTorrentData implements TorrentData {
  readonly bitfield: Bitfield;
  readonly bytes: Buffer;
  /** Pieces marked held, in order. */
  readonly written: number[] = [];
  downloaded = 0;
  uploaded = 0;
  /** Blocks read so far. */
  reads = 0;
  /** Set: every write fails with it (a full disk). */
  writeError: Error | undefined;
  private heldReads: Hold | undefined;
  private heldWrites: Hold | undefined;

  /** Holds every piece of `content`, or only `heldPieces` of it when given; nothing without content. */
  constructor(
    readonly layout: PieceLayout,
    content: Buffer | undefined,
    heldPieces?: readonly number[],
  ) {
    this.bytes = content && !heldPieces ? Buffer.from(content) : Buffer.alloc(layout.fileSize);
    this.bitfield = content && !heldPieces ? Bitfield.full(layout.pieceCount) : new Bitfield(layout.pieceCount);
    if (!content) return;
    for (const index of heldPieces ?? []) {
      const start = layout.offsetOf(index);
      content.copy(this.bytes, start, start, start + layout.pieceLength(index));
      this.bitfield.set(index);
    }
  }

  get bytesLeft(): number {
    let left = 0;
    for (let index = 0; index < this.layout.pieceCount; index++) if (!this.bitfield.has(index)) left += this.layout.pieceLength(index);
    return left;
  }

  /** Reads wait until releaseReads(): keeps an uploader's queue where it is while a test floods it. */
  holdReads(): void {
    this.heldReads ??= hold();
  }

  releaseReads(): void {
    this.heldReads?.release();
    this.heldReads = undefined;
  }

  /** Writes wait until releaseWrites(): a disk slower than the peers. */
  holdWrites(): void {
    this.heldWrites ??= hold();
  }

  releaseWrites(): void {
    this.heldWrites?.release();
    this.heldWrites = undefined;
  }

  async readBlock(block: BlockRef): Promise<Buffer> {
    if (this.heldReads) await this.heldReads.released;
    this.reads++;
    if (!this.bitfield.has(block.index)) throw new RangeError(`piece ${block.index} is not held`);
    const start = this.layout.offsetOf(block.index) + block.begin;
    return Buffer.from(this.bytes.subarray(start, start + block.length));
  }

  async writeUnverified(index: number, begin: number, blocks: readonly Buffer[]): Promise<void> {
    if (this.heldWrites) await this.heldWrites.released;
    if (this.writeError) throw this.writeError;
    if (this.bitfield.has(index)) throw new RangeError(`piece ${index} is held: its bytes are not written again`);
    Buffer.concat(blocks).copy(this.bytes, this.layout.offsetOf(index) + begin);
  }

  async markVerified(index: number): Promise<boolean> {
    if (this.bitfield.has(index)) return false;
    this.bitfield.set(index);
    this.written.push(index);
    return true;
  }

  async readPiece(index: number): Promise<Buffer> {
    const start = this.layout.offsetOf(index);
    return Buffer.from(this.bytes.subarray(start, start + this.layout.pieceLength(index)));
  }

  recordTransfer(bytesDownloaded: number, bytesUploaded: number): void {
    this.downloaded += bytesDownloaded;
    this.uploaded += bytesUploaded;
  }
}

interface Hold {
  released: Promise<void>;
  release(): void;
}

function hold(): Hold {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  return { released, release };
}

/** The SHA-1 of each piece of `content`, as a PieceChecker. */
export function checkerFor(content: Buffer, layout: PieceLayout): PieceChecker {
  const hashes = Array.from({ length: layout.pieceCount }, (_, index) => {
    const start = layout.offsetOf(index);
    return createHash('sha1').update(content.subarray(start, start + layout.pieceLength(index))).digest();
  });
  return { matches: (index, digest) => hashes[index].equals(digest) };
}
