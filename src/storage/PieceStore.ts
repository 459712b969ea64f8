import { promises as fs } from 'fs';
import * as path from 'path';
import { systemClock, type Cancel, type Clock } from '../common/Clock';
import { Bitfield } from './Bitfield';
import { PieceLayout } from './Piece';
import { readResumeState, removeResumeState, writeResumeState } from './ResumeState';
import { StorageError } from './StorageError';

export interface PieceStoreOptions {
  /** The peer's directory, `peer_<id>/`. */
  dir: string;
  fileName: string;
  layout: PieceLayout;
  /** hasFile 1 in PeerInfo.cfg: the whole file must already be there. */
  complete: boolean;
  /** Schedules resume-state checkpoints; the system clock by default. */
  clock?: Clock;
  /** How long after a piece is written the resume state is brought up to date (pieces are batched). */
  checkpointDelayMs?: number;
}

const DEFAULT_CHECKPOINT_DELAY_MS = 250;

/** How a store began: complete (a seeder), resumed from a resume state, or fresh. */
export type StoreStart = { kind: 'seed' } | { kind: 'resumed'; pieces: number } | { kind: 'fresh'; why: string };

/**
 * The one file a peer shares, read and written piece by piece at each piece's
 * position: no per-piece files and never the whole file in memory. A leecher's
 * progress survives a crash through the resume state beside the file.
 */
export class PieceStore {
  private readonly inFlight = new Set<number>();
  private cancelCheckpoint: Cancel | undefined;
  private checkpointRunning: Promise<void> | undefined;
  /** Pieces written since the last checkpoint began. */
  private dirty = false;

  private constructor(
    readonly path: string,
    readonly layout: PieceLayout,
    readonly bitfield: Bitfield,
    private readonly handle: fs.FileHandle,
    readonly start: StoreStart,
    private readonly options: PieceStoreOptions,
  ) {}

  static async open(options: PieceStoreOptions): Promise<PieceStore> {
    const filePath = path.join(options.dir, options.fileName);
    return options.complete ? PieceStore.openSeed(filePath, options) : PieceStore.openLeecher(filePath, options);
  }

  /** A seeder's file is checked for presence and size before anything is served. */
  private static async openSeed(filePath: string, options: PieceStoreOptions): Promise<PieceStore> {
    const { layout } = options;
    let size: number;
    try {
      size = (await fs.stat(filePath)).size;
    } catch (error) {
      throw new StorageError(filePath, `the complete file is missing (${describeIoError(error)})`, 'seed-file-missing');
    }
    if (size !== layout.fileSize) {
      throw new StorageError(filePath, `is ${size} bytes, FileSize says ${layout.fileSize}`, 'seed-file-wrong-size');
    }
    const handle = await ioStep(filePath, () => fs.open(filePath, 'r'));
    return new PieceStore(filePath, layout, Bitfield.full(layout.pieceCount), handle, { kind: 'seed' }, options);
  }

  /**
   * A leecher resumes from its resume state when it has one that fits the file;
   * otherwise it starts from nothing, since bytes without a resume state may
   * be a torn write.
   */
  private static async openLeecher(filePath: string, options: PieceStoreOptions): Promise<PieceStore> {
    const { layout } = options;
    await ioStep(options.dir, () => fs.mkdir(options.dir, { recursive: true }));
    const resumed = await readResumeState(filePath, layout);
    if (resumed instanceof Bitfield) {
      const handle = await ioStep(filePath, () => fs.open(filePath, 'r+'));
      return new PieceStore(filePath, layout, resumed, handle, { kind: 'resumed', pieces: resumed.count }, options);
    }
    await ioStep(filePath, () => removeResumeState(filePath));
    const handle = await ioStep(filePath, () => fs.open(filePath, 'w+'));
    await ioStep(filePath, () => handle.truncate(layout.fileSize));
    return new PieceStore(filePath, layout, new Bitfield(layout.pieceCount), handle, { kind: 'fresh', why: resumed.untrusted }, options);
  }

  has(index: number): boolean {
    return this.bitfield.has(index);
  }

  async readPiece(index: number): Promise<Buffer> {
    if (!this.has(index)) throw new RangeError(`piece ${index} is not held`);
    const data = Buffer.allocUnsafe(this.layout.pieceLength(index));
    const offset = this.layout.offsetOf(index);
    await ioStep(this.path, async () => {
      for (let done = 0; done < data.length; ) {
        const { bytesRead } = await this.handle.read(data, done, data.length - done, offset + done);
        if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${offset + done}`);
        done += bytesRead;
      }
    });
    return data;
  }

  /**
   * Writes a piece at its position, then marks it held. Returns false, writing
   * nothing, when the piece is already held or being written (a duplicate).
   */
  async writePiece(index: number, data: Buffer): Promise<boolean> {
    if (data.length !== this.layout.pieceLength(index)) {
      throw new RangeError(`piece ${index} is ${this.layout.pieceLength(index)} bytes, got ${data.length}`);
    }
    if (this.has(index) || this.inFlight.has(index)) return false;
    this.inFlight.add(index);
    try {
      const offset = this.layout.offsetOf(index);
      await ioStep(this.path, async () => {
        for (let done = 0; done < data.length; ) {
          const { bytesWritten } = await this.handle.write(data, done, data.length - done, offset + done);
          done += bytesWritten;
        }
      });
      this.bitfield.set(index);
      this.scheduleCheckpoint();
      return true;
    } finally {
      this.inFlight.delete(index);
    }
  }

  /**
   * Brings the resume state up to date: first the data of every piece held is
   * forced to disk, then the state listing them replaces the old one.
   */
  async checkpoint(): Promise<void> {
    if (this.start.kind === 'seed') return;
    this.cancelCheckpoint?.();
    this.cancelCheckpoint = undefined;
    while (this.checkpointRunning) await this.checkpointRunning;
    if (!this.dirty) return;
    this.dirty = false;
    const held = this.bitfield.clone();
    this.checkpointRunning = ioStep(this.path, async () => {
      await this.handle.datasync();
      await writeResumeState(this.path, this.layout, held);
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
    if (this.cancelCheckpoint || this.start.kind === 'seed') return;
    const clock = this.options.clock ?? systemClock;
    this.cancelCheckpoint = clock.after(this.options.checkpointDelayMs ?? DEFAULT_CHECKPOINT_DELAY_MS, () => {
      this.cancelCheckpoint = undefined;
      // A failed checkpoint is reported by the next one, or by close().
      this.checkpoint().catch(() => (this.dirty = true));
    });
  }
}

async function ioStep<T>(file: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw new StorageError(file, describeIoError(error), 'io');
  }
}

function describeIoError(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message}` : String(error);
}
