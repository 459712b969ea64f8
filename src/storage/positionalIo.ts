import * as fs from 'fs';

/**
 * Whole-buffer reads and writes at a file position, as single synchronous
 * system calls on the file's descriptor. A piece is at most a few hundred KiB
 * copied to or from the page cache: the call takes microseconds, while the
 * thread-pool round trip of fs.promises (hand-off to a worker, wake-up, a
 * promise back) cost several times that in CPU on this project's machines, for
 * every piece received and every piece served. The result is still a promise,
 * so a caller cannot tell, and an error is a rejection.
 */
export async function readFully(file: fs.promises.FileHandle, target: Buffer, position: number): Promise<void> {
  for (let done = 0; done < target.length; ) {
    const bytesRead = fs.readSync(file.fd, target, done, target.length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
}

export async function writeFully(file: fs.promises.FileHandle, source: Buffer, position: number): Promise<void> {
  for (let done = 0; done < source.length; ) {
    done += fs.writeSync(file.fd, source, done, source.length - done, position + done);
  }
}
