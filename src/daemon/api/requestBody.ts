import type { IncomingMessage } from 'http';
import { ApiHttpError } from './ApiHttpError.js';

/**
 * The request's body, up to `maxBytes`. A larger declared length is refused
 * before a byte is read; an undeclared one (chunked) as soon as it passes the
 * cap. Either way the rest is never buffered.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new ApiHttpError(413, `the request body is over ${maxBytes} bytes`);
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return chunks.push(chunk);
      req.off('data', onData);
      req.pause();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

/** How long a refused body is read and dropped after the answer (discardRest). */
const LINGER_MS = 5000;

/**
 * After answering a request whose body was not read (refused before it, or
 * too large): the rest is read and dropped until the client stops sending or
 * a few seconds pass, and only then is `done` called (which ends the
 * response, and Node closes the connection). Closing while the client still
 * sends would reset the connection, and the client could lose the answer.
 * Dropped bytes cost no memory, and the time is bounded.
 */
export function discardRest(req: IncomingMessage, done: () => void): void {
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    done();
  };
  const timer = setTimeout(finish, LINGER_MS).unref();
  req.once('end', finish).once('close', finish);
  req.resume();
}

/** A JSON object body; a malformed one, or any other JSON value, is a 400 naming what is wrong. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw new ApiHttpError(400, 'the request body is empty: send a JSON object');
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ApiHttpError(400, `the request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiHttpError(400, 'the request body must be a JSON object');
  return value as Record<string, unknown>;
}
