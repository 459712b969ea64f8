import bencode from 'bencode';
import { TrackerError, type AnnounceReply, type ListedPeer } from './announce.js';
import { COMPACT_IPV4_BYTES, COMPACT_IPV6_BYTES, parseCompactPeers } from './compactPeers.js';
import { printable } from './trackerText.js';

/**
 * An HTTP tracker's bencoded reply (BEP 3): `failure reason` becomes a
 * TrackerError; otherwise `interval`, `min interval`, `peers` (compact, BEP
 * 23, or a list of dictionaries), `peers6` (BEP 7), `warning message`,
 * `tracker id`, `external ip` (BEP 24). A field of the wrong type is ignored
 * as if absent; only a body that is not a bencoded dictionary fails.
 */
export function parseHttpReply(body: Buffer): AnnounceReply {
  const reply = decodeDictionary(body);
  const failure = reply['failure reason'];
  if (failure !== undefined) throw new TrackerError('failure-reason', `the tracker refused: ${printable(failure)}`);
  return {
    intervalS: wholeNumber(reply['interval']),
    minIntervalS: wholeNumber(reply['min interval']),
    peers: [...listedPeers(reply['peers'], COMPACT_IPV4_BYTES), ...listedPeers(reply['peers6'], COMPACT_IPV6_BYTES)],
    warning: Buffer.isBuffer(reply['warning message']) ? printable(reply['warning message']) : undefined,
    trackerId: Buffer.isBuffer(reply['tracker id']) ? reply['tracker id'] : undefined,
    externalIp: externalIp(reply['external ip']),
  };
}

function decodeDictionary(body: Buffer): Record<string, unknown> {
  let decoded: unknown;
  try {
    decoded = bencode.decode(body);
  } catch (error) {
    // A RangeError here is a reply nested deeper than the stack: still only a bad reply.
    throw new TrackerError('bad-reply', `the reply is not bencode (${body.length} bytes starting ${JSON.stringify(printable(body.subarray(0, 24)))}): ${(error as Error).message}`);
  }
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded) || Buffer.isBuffer(decoded)) {
    throw new TrackerError('bad-reply', 'the reply is bencode but not a dictionary');
  }
  return decoded as Record<string, unknown>;
}

function listedPeers(value: unknown, compactEntryBytes: typeof COMPACT_IPV4_BYTES | typeof COMPACT_IPV6_BYTES): ListedPeer[] {
  if (Buffer.isBuffer(value)) return parseCompactPeers(value, compactEntryBytes);
  if (!Array.isArray(value)) return [];
  const peers: ListedPeer[] = [];
  for (const entry of value) {
    if (entry === null || typeof entry !== 'object' || !Buffer.isBuffer(entry.ip) || typeof entry.port !== 'number') continue;
    const peerId = entry['peer id'];
    peers.push({ host: entry.ip.toString('latin1'), port: entry.port, ...(Buffer.isBuffer(peerId) && peerId.length === 20 ? { peerId } : {}) });
  }
  return peers;
}

function wholeNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}

/** BEP 24: 4 or 16 raw address bytes. */
function externalIp(value: unknown): string | undefined {
  if (!Buffer.isBuffer(value) || (value.length !== 4 && value.length !== 16)) return undefined;
  const entryBytes = value.length === 4 ? COMPACT_IPV4_BYTES : COMPACT_IPV6_BYTES;
  return parseCompactPeers(Buffer.concat([value, Buffer.alloc(2)]), entryBytes)[0].host;
}
