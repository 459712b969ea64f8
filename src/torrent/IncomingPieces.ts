import { createHash, type Hash } from 'crypto';
import type { BlockRef } from '../core/BlockRef.js';
import { pieceBuffers } from '../wire/BufferPool.js';
import type { TorrentData } from './TorrentData.js';

/**
 * Blocks are written in runs of this many bytes: one system call per run, not
 * per 16 KiB block, and below storage/positionalIo.ts's THREAD_POOL_MIN_BYTES,
 * so written at once on the event loop. Handing each run to the thread pool
 * cost the event loop more than the copy itself (512 MiB from aria2: 1 s of
 * its time in the hand-offs, against 0.2 s copying in place), and the blocks
 * waiting for a thread held memory (peak 62 MiB, against 60).
 */
export const WRITE_RUN_BYTES = 64 * 1024;

/** A piece whose every block came: its SHA-1, once each of its writes is done. */
export interface ArrivedPiece {
  digest: Buffer;
  /** Set when a write failed: the piece is not on disk, whatever its hash. */
  writeError?: unknown;
}

/** Disk figures for back-pressure. */
export interface IncomingPiecesEvents {
  /** Bytes handed to the disk and not yet written went up or down by `delta`. */
  writing(delta: number): void;
}

/** One piece being downloaded. */
class PieceInFlight {
  readonly sha1: Hash = createHash('sha1');
  /** The piece's first bytes hashed so far (in order: SHA-1 runs front to back). */
  hashed = 0;
  /** Blocks that came before the ones in front of them, by offset: hashed once those come. */
  readonly ahead = new Map<number, Buffer>();
  /** Hashed blocks not yet handed to the disk, in order, starting at `runBegin`. */
  run: Buffer[] = [];
  runBegin = 0;
  runBytes = 0;
  readonly writes: Promise<void>[] = [];
  writeError: unknown;
}

/**
 * The pieces being downloaded, streamed to disk as their blocks come (as
 * libtorrent and aria2 do) instead of gathered whole in memory: each block is
 * hashed in order and written in runs (WRITE_RUN_BYTES), and only blocks that
 * came ahead of a missing one wait in memory. The torrent marks a piece held
 * only after its digest matched (TorrentData.markVerified): bytes on disk that
 * failed, or were never finished, are simply a piece not held, overwritten
 * when it is fetched again. Block buffers are owned here once given, and go
 * back to `pieceBuffers` when written.
 */
export class IncomingPieces {
  private readonly pieces = new Map<number, PieceInFlight>();

  constructor(
    private readonly data: Pick<TorrentData, 'writeUnverified'>,
    private readonly pieceLength: (index: number) => number,
    private readonly events: IncomingPiecesEvents,
  ) {}

  /** Takes a block of a piece (each block once: the planner drops repeats), and its buffer with it. */
  add(block: BlockRef, data: Buffer): void {
    let piece = this.pieces.get(block.index);
    if (!piece) this.pieces.set(block.index, (piece = new PieceInFlight()));
    const bytes = data.length === block.length ? data : data.subarray(0, block.length);
    if (block.begin !== piece.hashed) {
      piece.ahead.set(block.begin, bytes);
      return;
    }
    for (let next: Buffer | undefined = bytes; next; next = piece.ahead.get(piece.hashed)) {
      piece.ahead.delete(piece.hashed);
      piece.sha1.update(next);
      piece.run.push(next);
      piece.runBytes += next.length;
      piece.hashed += next.length;
      if (piece.runBytes >= WRITE_RUN_BYTES) this.writeRun(block.index, piece);
    }
  }

  /** The piece's every block came (the planner says so): its digest, once every byte is written. */
  async finish(index: number): Promise<ArrivedPiece> {
    const piece = this.pieces.get(index);
    const length = this.pieceLength(index);
    if (!piece || piece.hashed !== length) throw new RangeError(`piece ${index} has ${piece?.hashed ?? 0} of its ${length} bytes in order`);
    this.pieces.delete(index);
    this.writeRun(index, piece);
    const digest = piece.sha1.digest();
    await Promise.all(piece.writes);
    return piece.writeError === undefined ? { digest } : { digest, writeError: piece.writeError };
  }

  /** Pieces begun, for status figures. */
  get pieceCount(): number {
    return this.pieces.size;
  }

  /** Hands the piece's hashed run to the disk; its buffers go back to the pool once written. */
  private writeRun(index: number, piece: PieceInFlight): void {
    if (piece.runBytes === 0) return;
    const { run, runBegin, runBytes } = piece;
    piece.run = [];
    piece.runBegin += runBytes;
    piece.runBytes = 0;
    this.events.writing(runBytes);
    const written = this.data.writeUnverified(index, runBegin, run).then(
      () => {},
      (error: unknown) => {
        piece.writeError ??= error;
      },
    );
    piece.writes.push(
      written.finally(() => {
        for (const buffer of run) pieceBuffers.release(buffer);
        this.events.writing(-runBytes);
      }),
    );
  }
}
