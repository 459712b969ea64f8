import { promises as fs } from 'fs';
import * as path from 'path';
import { Bitfield } from './Bitfield';
import { PieceLayout } from './Piece';
import { StorageError } from './StorageError';

export interface PieceStoreOptions {
  /** The peer's directory, `peer_<id>/`. */
  dir: string;
  fileName: string;
  layout: PieceLayout;
  /** hasFile 1 in PeerInfo.cfg: the whole file must already be there. */
  complete: boolean;
}

/**
 * The one file a peer shares, read and written piece by piece at each piece's
 * position: no per-piece files and never the whole file in memory.
 */
export class PieceStore {
  private readonly inFlight = new Set<number>();

  private constructor(
    readonly path: string,
    readonly layout: PieceLayout,
    readonly bitfield: Bitfield,
    private readonly handle: fs.FileHandle,
  ) {}

  static async open(options: PieceStoreOptions): Promise<PieceStore> {
    const filePath = path.join(options.dir, options.fileName);
    return options.complete ? PieceStore.openSeed(filePath, options.layout) : PieceStore.openEmpty(filePath, options);
  }

  /** A seeder's file is checked for presence and size before anything is served. */
  private static async openSeed(filePath: string, layout: PieceLayout): Promise<PieceStore> {
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
    return new PieceStore(filePath, layout, Bitfield.full(layout.pieceCount), handle);
  }

  /** A leecher starts from nothing: whatever was in the file is not trusted. */
  private static async openEmpty(filePath: string, options: PieceStoreOptions): Promise<PieceStore> {
    await ioStep(options.dir, () => fs.mkdir(options.dir, { recursive: true }));
    const handle = await ioStep(filePath, () => fs.open(filePath, 'w+'));
    await ioStep(filePath, () => handle.truncate(options.layout.fileSize));
    return new PieceStore(filePath, options.layout, new Bitfield(options.layout.pieceCount), handle);
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
      return true;
    } finally {
      this.inFlight.delete(index);
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
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
