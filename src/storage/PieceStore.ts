import { promises as fs } from 'fs';
import * as path from 'path';
import { systemClock, type Cancel, type Clock } from '../common/Clock.js';
import { hashPieces, type HashProgress } from './pieceHashes.js';
import { Bitfield } from '../core/Bitfield.js';
import { PieceLayout } from '../core/PieceLayout.js';
import { readResumeState, writeResumeState, type TransferTotals } from './ResumeState.js';
import { StorageError } from './StorageError.js';
import { pieceBuffers } from '../wire/BufferPool.js';
import { readFully, writeFully } from './positionalIo.js';
import { describeIoError, ioStep } from './ioStep.js';

/**
 * What the store needs of a metainfo: whether a piece's SHA-1 is the expected
 * one. The metainfo's PieceVerifier is one; storage never reads a .torrent
 * itself (architecture.md: storage does not import metainfo).
 */
export interface PieceChecker {
  matches(index: number, digest: Buffer): boolean;
}

export interface PieceStoreOptions {
  /** The peer's directory, `peer_<id>/`. */
  dir: string;
  fileName: string;
  layout: PieceLayout;
  /** hasFile 1 in PeerInfo.cfg: the whole file must already be there. */
  complete: boolean;
  /** With a metainfo: a seeder's file, or a partial file without a trusted resume state, is rechecked against it. */
  verifier?: PieceChecker;
  /** Schedules resume-state checkpoints; the system clock by default. */
  clock?: Clock;
  /** How long after a change the resume state is brought up to date (changes are batched). */
  checkpointDelayMs?: number;
}

/**
 * A checkpoint forces the data to disk and rewrites the resume state (seven
 * file-system calls): some 8 % of a busy leecher's time at one every 250 ms. Once a
 * second, a crash costs at most a second of pieces, which are fetched again.
 */
export const DEFAULT_CHECKPOINT_DELAY_MS = 1_000;

/**
 * How a store began: complete (a seeder without a metainfo: trusted as is),
 * resumed from a resume state, waiting for recheck() against the metainfo,
 * or fresh (nothing trusted).
 */
export type StoreStart =
  | { kind: 'seed' }
  | { kind: 'resumed'; pieces: number }
  | { kind: 'recheck'; why: string }
  | { kind: 'fresh'; why: string };

/**
 * The one file a peer shares, read and written piece by piece at each piece's
 * position: no per-piece files and never the whole file in memory. Progress and
 * transfer totals survive a crash through the resume state beside the file.
 */
export class PieceStore {
  private readonly inFlight = new Set<number>();
  private cancelCheckpoint: Cancel | undefined;
  private checkpointRunning: Promise<void> | undefined;
  /** Changes since the last checkpoint began. */
  private dirty = false;

  private constructor(
    readonly path: string,
    readonly layout: PieceLayout,
    readonly bitfield: Bitfield,
    private readonly handle: fs.FileHandle,
    readonly start: StoreStart,
    /** Bytes uploaded and downloaded over every run of this peer. */
    readonly totals: TransferTotals,
    private readonly options: PieceStoreOptions,
  ) {}

  static async open(options: PieceStoreOptions): Promise<PieceStore> {
    const filePath = path.join(options.dir, options.fileName);
    const { layout } = options;
    if (options.complete) await checkSeedFile(filePath, layout);
    else await ioStep(options.dir, () => fs.mkdir(options.dir, { recursive: true }));

    const resume = await readResumeState(filePath, layout);
    const totals = { ...resume.totals };
    const stat = await fs.stat(filePath).catch(() => undefined);
    const stale = resume.trusted && options.verifier && stat?.mtimeMs !== resume.fileMtimeMs;
    const make = async (start: StoreStart, bits: Bitfield, mode: 'r' | 'r+' | 'w+') => {
      const handle = await ioStep(filePath, () => fs.open(filePath, mode));
      if (mode === 'w+') await ioStep(filePath, () => handle.truncate(layout.fileSize));
      const store = new PieceStore(filePath, layout, bits, handle, start, totals, options);
      // A resume state that was not trusted is replaced at once (keeping the totals), so
      // that it cannot be taken for the truth about this new file after a crash.
      if (start.kind === 'fresh' || start.kind === 'recheck') {
        store.dirty = true;
        await store.checkpoint();
      }
      return store;
    };

    // A resume state that fits the file (and, with a metainfo, its modification time) is trusted: no rehash.
    if (resume.trusted && !stale) return make({ kind: 'resumed', pieces: resume.pieces.count }, resume.pieces, 'r+');
    const why = stale ? 'the file changed after its resume state was written' : resume.trusted ? '' : resume.why;
    if (options.verifier && (options.complete || stat?.size === layout.fileSize)) {
      return make({ kind: 'recheck', why }, new Bitfield(layout.pieceCount), 'r+');
    }
    if (options.complete) return make({ kind: 'seed' }, Bitfield.full(layout.pieceCount), 'r');
    // Bytes without a resume state may be a torn write: a leecher starts from nothing.
    return make({ kind: 'fresh', why }, new Bitfield(layout.pieceCount), 'w+');
  }

  has(index: number): boolean {
    return this.bitfield.has(index);
  }

  /**
   * The piece's bytes in a buffer lent by `pieceBuffers`: the caller gives it
   * back once done with it (a connection does, once the socket took it).
   */
  async readPiece(index: number): Promise<Buffer> {
    if (!this.has(index)) throw new RangeError(`piece ${index} is not held`);
    const data = pieceBuffers.acquire(this.layout.pieceLength(index));
    const offset = this.layout.offsetOf(index);
    try {
      await ioStep(this.path, () => readFully(this.handle, data, offset));
    } catch (error) {
      pieceBuffers.release(data);
      throw error;
    }
    return data;
  }

  /**
   * Writes a piece at its position, then marks it held. Returns false, writing
   * nothing, when the piece is already held or being written (a duplicate).
   * The caller has verified the data when there is a metainfo. `data` belongs
   * to the store from now on: a buffer lent by `pieceBuffers` (a received
   * frame's) is given back once written, so the caller must not read it after.
   */
  async writePiece(index: number, data: Buffer): Promise<boolean> {
    if (data.length !== this.layout.pieceLength(index)) {
      throw new RangeError(`piece ${index} is ${this.layout.pieceLength(index)} bytes, got ${data.length}`);
    }
    if (this.has(index) || this.inFlight.has(index)) {
      pieceBuffers.release(data);
      return false;
    }
    this.inFlight.add(index);
    try {
      await ioStep(this.path, () => writeFully(this.handle, data, this.layout.offsetOf(index)));
      // A small piece's write is synchronous, so pieces that arrived together would all
      // be marked held before any writer resumed, and each would see the same count
      // ("downloaded the piece ... is 6400" three times, and the complete file thrice).
      // Marking it in a turn of its own keeps one piece per turn, as a thread-pool write does.
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.bitfield.set(index);
      this.scheduleCheckpoint();
      return true;
    } finally {
      this.inFlight.delete(index);
      pieceBuffers.release(data);
    }
  }

  /** Adds to the totals kept across runs. */
  recordTransfer(bytesDownloaded: number, bytesUploaded: number): void {
    this.totals.bytesDownloaded += bytesDownloaded;
    this.totals.bytesUploaded += bytesUploaded;
    this.scheduleCheckpoint();
  }

  /**
   * Checks the file piece by piece against the metainfo, with large sequential
   * reads; each good piece is marked held and reported at once (the peer can
   * announce it while the rest is checked). Returns the pieces that failed.
   */
  async recheck(verifier: PieceChecker, onGoodPiece: (index: number) => void, onProgress?: (p: HashProgress) => void): Promise<number[]> {
    const failed: number[] = [];
    await ioStep(this.path, () =>
      hashPieces(
        this.path,
        this.layout,
        (index, digest) => {
          if (!verifier.matches(index, digest)) {
            if (!this.has(index)) failed.push(index);
          } else if (this.bitfield.set(index)) {
            this.scheduleCheckpoint();
            onGoodPiece(index);
          }
        },
        onProgress,
      ),
    );
    return failed;
  }

  /**
   * Brings the resume state up to date: first the data of every piece held is
   * forced to disk, then the state listing them replaces the old one.
   */
  async checkpoint(): Promise<void> {
    this.cancelCheckpoint?.();
    this.cancelCheckpoint = undefined;
    while (this.checkpointRunning) await this.checkpointRunning;
    if (!this.dirty) return;
    this.dirty = false;
    const held = this.bitfield.clone();
    const totals = { ...this.totals };
    this.checkpointRunning = ioStep(this.path, async () => {
      await this.handle.datasync();
      await writeResumeState(this.path, this.layout, held, totals);
    }).finally(() => (this.checkpointRunning = undefined));
    await this.checkpointRunning;
  }

  /** Writes the last checkpoint, then closes the file. */
  async close(): Promise<void> {
    try {
      await this.checkpoint();
    } finally {
      await this.handle.close();
    }
  }

  private scheduleCheckpoint(): void {
    this.dirty = true;
    // The whole file is the state most worth keeping: a peer killed just after its last
    // piece must not come back believing it lacks some, with everyone else gone.
    if (this.bitfield.isComplete) {
      this.checkpoint().catch(() => (this.dirty = true));
      return;
    }
    if (this.cancelCheckpoint) return;
    const clock = this.options.clock ?? systemClock;
    this.cancelCheckpoint = clock.after(this.options.checkpointDelayMs ?? DEFAULT_CHECKPOINT_DELAY_MS, () => {
      this.cancelCheckpoint = undefined;
      // A failed checkpoint leaves the store dirty: the next one, or close(), tries again and reports it.
      this.checkpoint().catch(() => (this.dirty = true));
    });
  }
}

/** A seeder's file is checked for presence and size before anything is served. */
async function checkSeedFile(filePath: string, layout: PieceLayout): Promise<void> {
  let size: number;
  try {
    size = (await fs.stat(filePath)).size;
  } catch (error) {
    throw new StorageError(filePath, `the complete file is missing (${describeIoError(error)})`, 'seed-file-missing');
  }
  if (size !== layout.fileSize) {
    throw new StorageError(filePath, `is ${size} bytes, FileSize says ${layout.fileSize}`, 'seed-file-wrong-size');
  }
}

