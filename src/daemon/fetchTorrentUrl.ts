import { MAX_METAINFO_BYTES } from '../metainfo/limits.js';
import { DaemonError } from './DaemonControl.js';

const FETCH_TIMEOUT_MS = 30_000;

/**
 * The .torrent at an http(s) URL: read up to the largest .torrent we accept
 * (a bigger body is cut off and refused, not buffered), within 30 s. Any
 * failure is a DaemonError('bad-input') naming the URL.
 */
export async function fetchTorrentUrl(url: string, timeoutMs = FETCH_TIMEOUT_MS): Promise<Buffer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DaemonError('bad-input', `${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new DaemonError('bad-input', `${url}: only http and https URLs are fetched`);
  const fail = (why: string) => new DaemonError('bad-input', `${url}: ${why}`);
  let response: Response;
  try {
    response = await fetch(parsed, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw fail(`cannot be fetched (${cause?.code ?? (error as Error).message})`);
  }
  if (!response.ok) throw fail(`the server answered ${response.status} ${response.statusText}`);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      length += chunk.length;
      if (length > MAX_METAINFO_BYTES) throw fail(`larger than ${MAX_METAINFO_BYTES} bytes: not a .torrent we take`);
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof DaemonError) throw error;
    throw fail(`the download broke off (${(error as Error).message})`);
  }
  return Buffer.concat(chunks);
}
