import { promises as fs } from 'fs';
import * as path from 'path';
import type { FileMap } from './FileMap.js';
import { HandlePool } from './HandlePool.js';
import { splitBuffers, totalLength } from './bufferLists.js';
import { readFully, writevFully } from './positionalIo.js';
import { ioStep } from './ioStep.js';
import { openInside, realRoot } from './safePaths.js';
import { StorageError } from './StorageError.js';

export interface FileSetOptions {
  /**
   * Files already complete on disk (a seeder's: 'all'): each must be there
   * with exactly its length, and is opened read-only. Every other file is
   * created if missing (0-byte ones too), with its folders, and given its
   * length; bytes already in it are kept (a resumed download).
   */
  complete?: 'all' | ReadonlySet<number>;
  /** How many files may be open at once (a torrent may have more files than a process may open). */
  maxOpenFiles?: number;
}

const DEFAULT_MAX_OPEN_FILES = 64;

/**
 * A torrent's files under a download folder, read and written by block
 * (piece, begin, length) with positional I/O, a block spanning files as
 * FileMap says. Nothing is ever read or written outside the folder (see
 * safePaths.ts). BEP 47 padding files are never on disk: they read as zeros,
 * and what is written to them is dropped (the piece's hash covered it).
 */
export class FileSet {
  private constructor(
    /** The download folder's real path. */
    readonly root: string,
    readonly map: FileMap,
    private readonly isComplete: (fileIndex: number) => boolean,
    private readonly handles: HandlePool,
  ) {}

  static async open(root: string, map: FileMap, options: FileSetOptions = {}): Promise<FileSet> {
    const { complete } = options;
    const isComplete = (fileIndex: number) => complete === 'all' || (complete?.has(fileIndex) ?? false);
    const everyFileComplete = map.files.every((file, index) => file.padding || isComplete(index));
    const real = await realRoot(root, !everyFileComplete);
    const openFile = (fileIndex: number) => openInside(real, map.files[fileIndex].path, { create: !isComplete(fileIndex), writable: !isComplete(fileIndex) });
    for (const [fileIndex, file] of map.files.entries()) {
      if (file.padding) continue;
      const where = path.join(real, ...file.path);
      if (isComplete(fileIndex)) await mustExist(where);
      const handle = await openFile(fileIndex);
      try {
        await sizeFile(handle, where, file.length, isComplete(fileIndex));
      } finally {
        await handle.close();
      }
    }
    return new FileSet(real, map, isComplete, new HandlePool(options.maxOpenFiles ?? DEFAULT_MAX_OPEN_FILES, openFile));
  }

  /** Writes `blocks`, one after the other, from byte `begin` of piece `pieceIndex`, into every file they span. */
  async write(pieceIndex: number, begin: number, blocks: readonly Buffer[]): Promise<void> {
    const segments = this.map.segments(pieceIndex, begin, totalLength(blocks));
    // Refused before anything is written: no block is ever half written.
    const readOnly = segments.find((segment) => this.isComplete(segment.fileIndex) && !this.map.files[segment.fileIndex].padding);
    if (readOnly) throw new StorageError(this.pathOf(readOnly.fileIndex), `is complete and open read-only: piece ${pieceIndex} cannot be written into it`, 'io');
    let rest = blocks;
    for (const segment of segments) {
      const [parts, after] = splitBuffers(rest, segment.length);
      rest = after;
      if (!this.map.files[segment.fileIndex].padding) await this.onDisk(segment.fileIndex, (handle) => writevFully(handle, parts, segment.offset));
    }
  }

  /** The `length` bytes at byte `begin` of piece `pieceIndex`, from every file it spans. */
  read(pieceIndex: number, begin: number, length: number): Promise<Buffer> {
    return this.readInto(pieceIndex, begin, Buffer.alloc(length));
  }

  /**
   * The same into `data` (its length says how many bytes), returned filled: a
   * recheck reuses one buffer, which hashes pieces twice as fast as a fresh one each.
   */
  async readInto(pieceIndex: number, begin: number, data: Buffer): Promise<Buffer> {
    let done = 0;
    for (const segment of this.map.segments(pieceIndex, begin, data.length)) {
      const part = data.subarray(done, done + segment.length);
      done += segment.length;
      if (this.map.files[segment.fileIndex].padding) part.fill(0);
      else await this.onDisk(segment.fileIndex, (handle) => readFully(handle, part, segment.offset));
    }
    return data;
  }

  /**
   * Forces what was written to file `fileIndex` to disk (a checkpoint does, before it
   * lists the pieces as held). Its handle may have left the pool since: it is reopened.
   */
  async sync(fileIndex: number): Promise<void> {
    if (!this.map.files[fileIndex].padding) await this.onDisk(fileIndex, (handle) => handle.datasync());
  }

  /** Closes every file; call it once no read or write is running. */
  close(): Promise<void> {
    return this.handles.closeAll();
  }

  private onDisk(fileIndex: number, io: (handle: fs.FileHandle) => Promise<void>): Promise<void> {
    return ioStep(this.pathOf(fileIndex), () => this.handles.use(fileIndex, io));
  }

  private pathOf(fileIndex: number): string {
    return path.join(this.root, ...this.map.files[fileIndex].path);
  }
}

/** A complete file must have its exact length; any other gets it (sparse: the bytes not yet written read as zeros). */
async function sizeFile(handle: fs.FileHandle, file: string, length: number, complete: boolean): Promise<void> {
  const { size } = await ioStep(file, () => handle.stat());
  if (size === length) return;
  if (complete) throw new StorageError(file, `is ${size} bytes, but the torrent says ${length}`, 'seed-file-wrong-size');
  await ioStep(file, () => handle.truncate(length));
}

async function mustExist(file: string): Promise<void> {
  const missing = await fs.stat(file).then(
    () => false,
    (error: NodeJS.ErrnoException) => error.code === 'ENOENT',
  );
  if (missing) throw new StorageError(file, 'a complete file is missing', 'seed-file-missing');
}
