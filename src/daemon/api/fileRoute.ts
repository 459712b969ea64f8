import type { IncomingMessage, ServerResponse } from 'http';
import * as path from 'path';
import type { DaemonControl } from '../DaemonControl.js';
import { ApiHttpError, errorReply } from './ApiHttpError.js';
import { parseRange } from './byteRange.js';

/** What a browser or a player needs to show a file; anything else is bytes. */
const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.flac': 'audio/flac',
  '.txt': 'text/plain; charset=utf-8',
  '.pdf': 'application/pdf',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
};

/**
 * GET /torrents/:id/files/:n/stream: the file with HTTP Range (206, or 416
 * with `Content-Range: bytes *\/SIZE` past its end), while it downloads: the
 * pieces of the range are asked for first, and each is sent once it is held
 * and verified. A reader that goes away stops the reading; one that reads
 * slowly is written to only as fast as it takes.
 */
export async function streamFile(daemon: DaemonControl, id: string, fileNumber: string, req: IncomingMessage, res: ServerResponse): Promise<'streaming'> {
  const index = /^\d+$/.test(fileNumber) ? Number(fileNumber) : NaN;
  if (!Number.isSafeInteger(index)) throw new ApiHttpError(400, `the file number must be a whole number from 0, not ${JSON.stringify(fileNumber)}`);
  const file = daemon.file(id, index);
  const range = parseRange(req.headers.range, file.size);
  const headers = {
    'content-type': MEDIA_TYPES[path.extname(file.path).toLowerCase()] ?? 'application/octet-stream',
    'accept-ranges': 'bytes',
    'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(path.basename(file.path))}`,
    'cache-control': 'no-store',
  };
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-type': 'application/json', 'content-range': `bytes */${file.size}` });
    res.end(`${JSON.stringify({ error: `the range ${req.headers.range} starts past the end of ${file.path} (${file.size} bytes)` })}\n`);
    return 'streaming';
  }
  const { start, end } = range === 'whole' ? { start: 0, end: file.size - 1 } : range;
  // Sent with the first bytes: until then a failure (the torrent paused) can still be an error status.
  const head = () =>
    res.headersSent ||
    res.writeHead(range === 'whole' ? 200 : 206, {
      ...headers,
      'content-length': String(end - start + 1),
      ...(range === 'whole' ? {} : { 'content-range': `bytes ${start}-${end}/${file.size}` }),
    });
  if (end < start) {
    head();
    res.end();
    return 'streaming';
  }
  const gone = new AbortController();
  res.once('close', () => gone.abort());
  // Each chunk is a buffer lent by a pool: it goes back only once the socket has taken it.
  const write = (chunk: Buffer) => new Promise<void>((resolve, reject) => (head(), res.write(chunk, (error) => (error ? reject(error) : resolve()))));
  file.read(start, end, write, gone.signal).then(
    () => res.end(),
    (error: unknown) => {
      if (!res.headersSent) return sendError(res, errorReply(error));
      // The status and length are sent: all that is left is to cut the response short, so the reader knows it is incomplete.
      res.destroy();
    },
  );
  return 'streaming';
}

function sendError(res: ServerResponse, error: ApiHttpError): void {
  res.writeHead(error.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify({ error: error.message })}\n`);
}
