import * as http from 'http';
import * as https from 'https';
import { TrackerError, type AnnounceRequest, type AnnounceTransport } from './announce.js';
import { parseHttpReply } from './httpReply.js';

/**
 * libtorrent's `tracker_maximum_response_length`: a compact reply of 200
 * peers is 1.2 KB, a dictionary one about 15 KB; a megabyte is generous, and
 * bounds what a hostile or broken tracker can make us hold.
 */
export const DEFAULT_MAX_REPLY_BYTES = 1024 * 1024;

export interface HttpAnnounceOptions {
  maxReplyBytes?: number;
  /** The address our requests leave from (tests: 127.0.0.1). */
  localAddress?: string;
  userAgent?: string;
}

/**
 * HTTP(S) announces (BEP 3) with node's http, not bittorrent-tracker's client:
 * that one reads the whole body with fetch's arrayBuffer(), with no way to cap
 * it. Here the body is counted as it arrives, and the socket is closed the
 * moment it passes the cap (or a Content-Length announces it will).
 */
export function httpAnnouncer(options: HttpAnnounceOptions = {}): AnnounceTransport {
  const maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  return (url, request, signal) =>
    new Promise((resolve, reject) => {
      const get = url.protocol === 'https:' ? https.get : http.get;
      const fail = (error: TrackerError) => {
        req.destroy();
        reject(error);
      };
      const req = get(
        announceUrl(url, request),
        { signal, agent: false, localAddress: options.localAddress, headers: { 'user-agent': options.userAgent ?? 'swarmlab', connection: 'close' } },
        (res) => {
          if (res.statusCode !== 200) return fail(new TrackerError('http-status', `HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
          const declared = Number(res.headers['content-length']);
          if (declared > maxReplyBytes) return fail(tooLarge(maxReplyBytes, `it announced ${declared} bytes`));
          const chunks: Buffer[] = [];
          let received = 0;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
            if (received > maxReplyBytes) return fail(tooLarge(maxReplyBytes, `stopped reading at ${received} bytes`));
            chunks.push(chunk);
          });
          res.on('end', () => {
            try {
              resolve(parseHttpReply(Buffer.concat(chunks)));
            } catch (error) {
              reject(error);
            }
          });
          res.on('error', (error) => reject(new TrackerError('network', `the reply broke off: ${error.message}`)));
        },
      );
      req.on('error', (error) => reject(new TrackerError('network', error.message)));
    });
}

function tooLarge(maxReplyBytes: number, detail: string): TrackerError {
  return new TrackerError('too-large', `the reply is over the ${maxReplyBytes}-byte cap (${detail})`);
}

/**
 * The announce URL with our query appended (after any the tracker put there,
 * such as a passkey). The binary info-hash and peer id are %-escaped byte by
 * byte: they are not UTF-8 text, so encodeURIComponent would mangle them.
 */
export function announceUrl(base: URL, request: AnnounceRequest): string {
  const query = [
    `info_hash=${escapeBytes(request.infoHash)}`,
    `peer_id=${escapeBytes(request.peerId)}`,
    `port=${request.port}`,
    `uploaded=${request.uploaded}`,
    `downloaded=${request.downloaded}`,
    `left=${request.left}`,
    'compact=1',
    `numwant=${request.numwant}`,
    `key=${request.key.toString(16).padStart(8, '0')}`,
  ];
  if (request.event) query.push(`event=${request.event}`);
  if (request.trackerId) query.push(`trackerid=${escapeBytes(request.trackerId)}`);
  const href = base.href.replace(/#.*$/, '').replace(/\?$/, '');
  return `${href}${base.search ? '&' : '?'}${query.join('&')}`;
}

/** RFC 3986: unreserved bytes as they are, every other byte as %XX. */
export function escapeBytes(bytes: Buffer): string {
  let out = '';
  for (const byte of bytes) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9.\-_~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
