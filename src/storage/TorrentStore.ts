import { promises as fs } from 'fs';
import * as path from 'path';
import { systemClock, type Clock } from '../common/Clock.js';
import { Bitfield } from '../core/Bitfield.js';
import type { BlockRef } from '../core/BlockRef.js';
import { Checkpointer } from './Checkpointer.js';
import type { FileMap, PieceSpan } from './FileMap.js';
import { pieceBuffers } from '../wire/BufferPool.js';
import { FileSet } from './FileSet.js';
import { filesOnDisk, type FileOnDisk } from './filesOnDisk.js';
import { ioStep } from './ioStep.js';
import type { HashProgress } from './pieceHashes.js';
import { DEFAULT_CHECKPOINT_DELAY_MS, type PieceChecker } from './PieceStore.js';
import { recheckPieces } from './recheckPieces.js';
import type { TransferTotals } from './ResumeState.js';
import { StorageError } from './StorageError.js';
import { readTorrentResume, writeTorrentResume, type TorrentResumeRead } from './TorrentResume.js';

export interface TorrentStoreOptions {
  /** The download folder (DIR of `swarmlab download --dir DIR`). FileMap paths are relative to it. */
  root: string;
  map: FileMap;
  checker: PieceChecker;
  /**
   * 'seed': every (non-padding) file must be there with its exact length; they are
   * opened read-only, and every piece must be good (resumed or hashed), else open()
   * rejects naming the bad pieces and their files. 'download': missing files are
   * created (0-byte ones too), bytes already there are kept and rechecked.
   */
  mode: 'seed' | 'download';
  /** Where the resume state is kept (the caller chooses, e.g. DIR/.swarmlab/<infohash-hex>.resume); its folder is created if missing. */
  resumeFile: string;
  /** Schedules checkpoints; the system clock by default. */
  clock?: Clock;
  /** How long after a change the resume state is brought up to date (changes are batched). */
  checkpointDelayMs?: number;
  /** Called as a recheck hashes what is on disk. */
  onHashProgress?(progress: HashProgress): void;
}

/** How a store began: from a trusted resume state, after hashing what was on disk (and why), or with nothing on disk. */
export type TorrentStart = { kind: 'resumed'; pieces: number } | { kind: 'rechecked'; pieces: number; why: string } | { kind: 'fresh' };

/** How many of the files a bad seed's pieces touch are named in the error; the rest are counted. */
const MAX_NAMED_FILES = 10;

/**
 * A torrent's files in a download folder, read and written by block across
 * its files (FileSet), a piece held once its bytes are written and its hash
 * checked. The pieces held and the transfer totals are kept across restarts
 * in a resume state (TorrentResume.ts).
 * A resume state is trusted only while every file is as it was when it was
 * written; otherwise what is on disk is hashed again and every good piece kept.
 */
export class TorrentStore {
  /** Reads and writes under way: close() waits for them before the last checkpoint. */
  private running = 0;
  /** Set while close() waits for the reads and writes under way to end. */
  private whenIdle: (() => void) | undefined;
  /** Pieces being marked held (a turn of the event loop). */
  private readonly marking = new Set<number>();
  /** Files written since the last checkpoint began: it forces them to disk before listing their pieces. */
  private readonly unsynced = new Set<number>();
  private readonly checkpointer: Checkpointer;
  private left: number;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly files: FileSet,
    private readonly options: TorrentStoreOptions,
    /** The pieces verified and on disk. */
    readonly bitfield: Bitfield,
    readonly start: TorrentStart,
    /** Bytes uploaded and downloaded over every run of this torrent. */
    readonly totals: TransferTotals,
  ) {
    const { map } = options;
    this.left = 0;
    for (let index = 0; index < map.pieceCount; index++) if (!bitfield.has(index)) this.left += map.lengthOfPiece(index);
    this.checkpointer = new Checkpointer(() => this.save(), options.clock ?? systemClock, options.checkpointDelayMs ?? DEFAULT_CHECKPOINT_DELAY_MS);
  }

  static async open(options: TorrentStoreOptions): Promise<TorrentStore> {
    const { root, map, mode } = options;
    // Looked at before the files are opened: opening creates the missing ones and sizes the others.
    const before = await filesOnDisk(root, map);
    const resume = await readTorrentResume(options.resumeFile, map, root, before);
    let files = await FileSet.open(root, map, mode === 'seed' ? { complete: 'all' } : {});
    try {
      const { bitfield, start } = await firstLook(files, options, resume, before);
      if (mode === 'download') files = await reopenCompleteReadOnly(files, bitfield);
      const folder = path.dirname(options.resumeFile);
      await ioStep(folder, () => fs.mkdir(folder, { recursive: true }));
      const store = new TorrentStore(files, options, bitfield, start, { ...resume.totals });
      if (start.kind !== 'resumed') await store.replaceUntrustedState();
      return store;
    } catch (error) {
      await files.close();
      throw error;
    }
  }

  has(index: number): boolean {
    return this.bitfield.has(index);
  }

  get isComplete(): boolean {
    return this.bitfield.isComplete;
  }

  /** Bytes still missing (a tracker's `left`): the sum of the missing pieces' lengths. */
  get bytesLeft(): number {
    return this.left;
  }

  /** One block's bytes, in a buffer lent by `pieceBuffers` (whoever sends it gives it back); only from a piece held (else a RangeError: a caller's bug). */
  async readBlock(block: BlockRef): Promise<Buffer> {
    this.refuseIfClosed();
    if (!this.has(block.index)) throw new RangeError(`piece ${block.index} is not held`);
    // Lent by the pool (a fresh 16 KiB buffer per block left a seeder at 200 MiB of
    // garbage per GiB served): the connection gives it back once the socket took it.
    return this.readLent(block.index, block.begin, block.length);
  }

  /**
   * Writes blocks of a piece not yet verified where they belong, one after
   * the other from byte `begin` (BEP 3 clients write blocks as they come, and
   * hash the piece on the way). The piece counts as held only after
   * markVerified(). Refused for a piece held: its good bytes stay as they are.
   */
  async writeUnverified(index: number, begin: number, blocks: readonly Buffer[]): Promise<void> {
    this.refuseIfClosed();
    if (this.has(index)) throw new RangeError(`piece ${index} is held: its bytes are not written again`);
    await this.track(this.files.write(index, begin, blocks));
    // Checkpointed like a piece marked held: the state then lists these files as they are now,
    // so that a clean restart trusts it instead of hashing everything again.
    this.filesChanged(index);
  }

  /**
   * Marks a piece held whose every byte was written by writeUnverified() and
   * whose SHA-1 the caller checked, and schedules a checkpoint. False when it
   * is already held.
   */
  async markVerified(index: number): Promise<boolean> {
    this.refuseIfClosed();
    const length = this.options.map.lengthOfPiece(index);
    if (this.has(index) || this.marking.has(index)) return false;
    this.marking.add(index);
    try {
      // One piece marked per turn of the event loop, as PieceStore does (see there): pieces
      // verified together would otherwise all be marked before any caller saw its own.
      await this.track(new Promise<void>((resolve) => setImmediate(resolve)));
      this.bitfield.set(index);
      this.left -= length;
      this.filesChanged(index, this.bitfield.isComplete);
      return true;
    } finally {
      this.marking.delete(index);
    }
  }

  /** The bytes of piece `index` as they are on disk, held or not (to tell who sent the bad blocks of a piece that failed); lent by `pieceBuffers`. */
  async readPiece(index: number): Promise<Buffer> {
    this.refuseIfClosed();
    return this.readLent(index, 0, this.options.map.lengthOfPiece(index));
  }

  /** Adds to the totals kept across runs. */
  recordTransfer(bytesDownloaded: number, bytesUploaded: number): void {
    this.totals.bytesDownloaded += bytesDownloaded;
    this.totals.bytesUploaded += bytesUploaded;
    // Once closing, nothing is saved any more: close()'s checkpoint is the last.
    if (!this.closing) this.checkpointer.changed();
  }

  /** Brings the resume state up to date now: the data is forced to disk, then the state replaced. After close(), close()'s outcome. */
  checkpoint(): Promise<void> {
    return this.closing ?? this.checkpointer.flush();
  }

  /** Waits for the reads and writes under way, writes the last checkpoint, closes the files. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.finish();
    return this.closing;
  }

  /**
   * The checkpoint: every file written since the last one is forced to disk,
   * then the state listing the pieces held (as they were before that) and each
   * file's modification time (as it is after) replaces the old one. A write that
   * lands meanwhile is not listed, or changes a time so that the next start rechecks.
   */
  private async save(): Promise<void> {
    const held = this.bitfield.clone();
    const totals = { ...this.totals };
    const written = [...this.unsynced];
    this.unsynced.clear();
    try {
      // One after the other: a torrent may have more files than may be open at once.
      for (const fileIndex of written) await this.files.sync(fileIndex);
      const onDisk = await filesOnDisk(this.files.root, this.options.map);
      await ioStep(this.options.resumeFile, () => writeTorrentResume(this.options.resumeFile, this.options.map, held, onDisk, totals));
    } catch (error) {
      for (const fileIndex of written) this.unsynced.add(fileIndex);
      throw error;
    }
  }

  /**
   * A resume state that was not trusted is replaced at once (keeping the totals),
   * so that after a crash it cannot be taken for the truth about the files as they
   * are now. Every file is forced to disk first: opening created or resized some,
   * and the good pieces hashed may so far be only in the page cache.
   */
  private async replaceUntrustedState(): Promise<void> {
    this.options.map.files.forEach((_, fileIndex) => this.unsynced.add(fileIndex));
    this.checkpointer.changed();
    await this.checkpointer.flush();
  }

  private async finish(): Promise<void> {
    try {
      if (this.running > 0) await new Promise<void>((resolve) => (this.whenIdle = resolve));
      await this.checkpointer.flush();
    } finally {
      await this.files.close();
    }
  }

  /** Piece `index`'s files were written, or the piece marked held: a checkpoint follows (at once for the whole torrent, the state most worth keeping). */
  private filesChanged(index: number, now = false): void {
    for (const fileIndex of this.options.map.filesOfPiece(index)) this.unsynced.add(fileIndex);
    this.checkpointer.changed(now);
  }

  /** `length` bytes at `begin` of piece `index`, in a buffer lent by `pieceBuffers`. */
  private async readLent(index: number, begin: number, length: number): Promise<Buffer> {
    const data = pieceBuffers.acquire(length);
    try {
      return await this.track(this.files.readInto(index, begin, data));
    } catch (error) {
      pieceBuffers.release(data);
      throw error;
    }
  }

  /**
   * Counts an operation under way until it ends. A count, not a set of them:
   * a set's table is reallocated as it grows and shrinks, thousands of times a
   * second in a transfer, and those tables ended in V8's old generation.
   */
  private track<T>(operation: Promise<T>): Promise<T> {
    this.running++;
    const done = () => {
      if (--this.running === 0) this.whenIdle?.();
    };
    operation.then(done, done);
    return operation;
  }

  private refuseIfClosed(): void {
    if (this.closing) throw new Error('the torrent store is closed');
  }
}

/** Which pieces are good at the start, and how that was found: trusted, hashed, or nothing there to hash. */
async function firstLook(
  files: FileSet,
  options: TorrentStoreOptions,
  resume: TorrentResumeRead,
  before: readonly (FileOnDisk | undefined)[],
): Promise<{ bitfield: Bitfield; start: TorrentStart }> {
  const { map, mode } = options;
  const bitfield = resume.trusted ? resume.pieces : new Bitfield(map.pieceCount);
  // A download trusts its resume state about the pieces it lacks too; a seed must hold them all.
  if (resume.trusted && (mode === 'download' || bitfield.isComplete)) return { bitfield, start: { kind: 'resumed', pieces: bitfield.count } };
  if (mode === 'download' && !before.some((file) => file !== undefined && file.size > 0)) return { bitfield, start: { kind: 'fresh' } };
  const why = resume.trusted ? `the resume state lists ${bitfield.count} of the ${map.pieceCount} pieces` : resume.why;
  const toHash = mode === 'seed' ? piecesLacking(bitfield) : piecesOnDisk(map, before);
  const { good, bad } = await recheckPieces(files, toHash, options.checker, options.onHashProgress);
  if (mode === 'seed' && bad.length > 0) throw seedMismatch(files.root, map, bad);
  for (const index of good) bitfield.set(index);
  return { bitfield, start: { kind: 'rechecked', pieces: bitfield.count, why } };
}

function piecesLacking(bitfield: Bitfield): number[] {
  return Array.from({ length: bitfield.pieceCount }, (_, index) => index).filter((index) => !bitfield.has(index));
}

/**
 * The pieces whose bytes were all on disk before the files were opened (a
 * padding file's are zeros, never on disk): the only ones worth hashing. A
 * piece of a missing or short file is simply missing.
 */
function piecesOnDisk(map: FileMap, before: readonly (FileOnDisk | undefined)[]): number[] {
  const pieces: number[] = [];
  for (let index = 0; index < map.pieceCount; index++) {
    const segments = map.segments(index, 0, map.lengthOfPiece(index));
    const there = segments.every(({ fileIndex, offset, length }) => map.files[fileIndex].padding || offset + length <= (before[fileIndex]?.size ?? 0));
    if (there) pieces.push(index);
  }
  return pieces;
}

/** Files whose every piece is held are reopened read-only, as a seed's are: nothing can write into them by mistake. */
async function reopenCompleteReadOnly(files: FileSet, bitfield: Bitfield): Promise<FileSet> {
  const { map } = files;
  const complete = new Set<number>();
  for (const [fileIndex, file] of map.files.entries()) {
    if (!file.padding && file.length > 0 && allHeld(map.piecesOfFile(fileIndex), bitfield)) complete.add(fileIndex);
  }
  if (complete.size === 0) return files;
  await files.close();
  return FileSet.open(files.root, map, { complete });
}

function allHeld(span: PieceSpan, bitfield: Bitfield): boolean {
  for (let index = span.first; index < span.end; index++) if (!bitfield.has(index)) return false;
  return true;
}

/** A seed whose data is not the torrent's: the bad pieces as ranges, and the files they are in. */
function seedMismatch(root: string, map: FileMap, bad: readonly number[]): StorageError {
  const pieces = new Bitfield(map.pieceCount);
  for (const index of bad) pieces.set(index);
  const touched = [...new Set(bad.flatMap((index) => map.filesOfPiece(index)))].filter((fileIndex) => !map.files[fileIndex].padding);
  const names = touched.slice(0, MAX_NAMED_FILES).map((fileIndex) => map.files[fileIndex].path.join('/'));
  if (touched.length > MAX_NAMED_FILES) names.push(`${touched.length - MAX_NAMED_FILES} more files`);
  const what = bad.length === 1 ? `piece ${bad[0]} of ${map.pieceCount} does not match the torrent` : `pieces ${pieces.toRanges(200)} of ${map.pieceCount} do not match the torrent`;
  return new StorageError(root, `${what} (in ${names.join(', ')})`, 'seed-data-mismatch');
}
