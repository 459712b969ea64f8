import * as fs from 'fs';
import { splitBuffers, totalLength } from './bufferLists.js';

/**
 * Pieces at least this large are read and written on the thread pool, beside
 * the event loop: copying 256 KiB into fresh page-cache pages took about a
 * millisecond on this project's VMs (most of a leecher's CPU in the 1 GiB
 * pair), time the loop can spend reading the socket meanwhile when a core is
 * free. Smaller pieces are copied with one synchronous call: for 16 KiB the
 * thread-pool round trip (hand-off to a worker, wake-up, a promise back) cost
 * several times the copy itself, for every piece received and served.
 */
export const THREAD_POOL_MIN_BYTES = 128 * 1024;

/** Reads `target.length` bytes at `position`, or fails at the end of the file. */
export async function readFully(file: fs.promises.FileHandle, target: Buffer, position: number): Promise<void> {
  const viaPool = target.length >= THREAD_POOL_MIN_BYTES;
  for (let done = 0; done < target.length; ) {
    const length = target.length - done;
    const bytesRead = viaPool
      ? (await file.read(target, done, length, position + done)).bytesRead
      : fs.readSync(file.fd, target, done, length, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
}

/** Writes all of `source` at `position`. */
export function writeFully(file: fs.promises.FileHandle, source: Buffer, position: number): Promise<void> {
  return writevFully(file, [source], position);
}

/**
 * Writes `sources` one after the other from `position`: one system call for
 * them all (a run of blocks received one by one is written without being
 * copied together first), repeated only for what a short write left.
 */
export async function writevFully(file: fs.promises.FileHandle, sources: readonly Buffer[], position: number): Promise<void> {
  const viaPool = totalLength(sources) >= THREAD_POOL_MIN_BYTES;
  let left = [...sources];
  for (let at = position; totalLength(left) > 0; ) {
    const written = viaPool ? (await file.writev(left, at)).bytesWritten : fs.writevSync(file.fd, left, at);
    if (written === 0) throw new Error(`nothing written at byte ${at}`);
    at += written;
    left = splitBuffers(left, written)[1];
  }
}
