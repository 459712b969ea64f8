import { BDict, BdecodeError, bdecodePrefix, type BdecodeLimits, type BValue } from '../../core/bencode/bdecode.js';
import { TrackerError, type AnnounceReply, type ListedPeer } from './announce.js';
import { COMPACT_IPV4_BYTES, COMPACT_IPV6_BYTES, parseCompactPeers } from './compactPeers.js';
import { printable } from './trackerText.js';

/**
 * Decoding a reply, whose size the reader has capped (httpAnnounce.ts): BEP
 * 3's deepest field is a peer's dictionary in the `peers` list, 3 levels down.
 * A non-compact list of 1,000 peers is some 7,000 values; the value cap keeps
 * a hostile reply of nothing but empty lists to some tens of MB while decoded.
 */
export const TRACKER_BDECODE_LIMITS: BdecodeLimits = { maxDepth: 8, maxValues: 100_000 };

/**
 * An HTTP tracker's bencoded reply (BEP 3): `failure reason` becomes a
 * TrackerError; otherwise `interval`, `min interval`, `peers` (compact, BEP
 * 23, or a list of dictionaries), `peers6` (BEP 7), `warning message`,
 * `tracker id`, `external ip` (BEP 24). A field of the wrong type is ignored
 * as if absent; only a body that is not a bencoded dictionary fails. Bytes
 * after the dictionary are ignored, as some trackers end with a newline.
 */
export function parseHttpReply(body: Buffer): AnnounceReply {
  const reply = decodeDictionary(body);
  const failure = reply.get('failure reason');
  if (failure !== undefined) throw new TrackerError('failure-reason', `the tracker refused: ${printable(failure)}`);
  const warning = reply.get('warning message');
  const trackerId = reply.get('tracker id');
  return {
    intervalS: wholeNumber(reply.get('interval')),
    minIntervalS: wholeNumber(reply.get('min interval')),
    peers: [...listedPeers(reply.get('peers'), COMPACT_IPV4_BYTES), ...listedPeers(reply.get('peers6'), COMPACT_IPV6_BYTES)],
    warning: Buffer.isBuffer(warning) ? printable(warning) : undefined,
    trackerId: Buffer.isBuffer(trackerId) ? trackerId : undefined,
    externalIp: externalIp(reply.get('external ip')),
  };
}

function decodeDictionary(body: Buffer): BDict {
  let decoded: BValue;
  try {
    decoded = bdecodePrefix(body, TRACKER_BDECODE_LIMITS).value;
  } catch (error) {
    if (!(error instanceof BdecodeError)) throw error;
    throw new TrackerError('bad-reply', `the reply is not bencode (${body.length} bytes starting ${JSON.stringify(printable(body.subarray(0, 24)))}): ${error.message}`);
  }
  if (!(decoded instanceof BDict)) throw new TrackerError('bad-reply', 'the reply is bencode but not a dictionary');
  return decoded;
}

function listedPeers(value: BValue | undefined, compactEntryBytes: typeof COMPACT_IPV4_BYTES | typeof COMPACT_IPV6_BYTES): ListedPeer[] {
  if (Buffer.isBuffer(value)) return parseCompactPeers(value, compactEntryBytes);
  if (!Array.isArray(value)) return [];
  const peers: ListedPeer[] = [];
  for (const entry of value) {
    if (!(entry instanceof BDict)) continue;
    const [ip, port, peerId] = [entry.get('ip'), entry.get('port'), entry.get('peer id')];
    if (!Buffer.isBuffer(ip) || typeof port !== 'number') continue;
    peers.push({ host: ip.toString('latin1'), port, ...(Buffer.isBuffer(peerId) && peerId.length === 20 ? { peerId } : {}) });
  }
  return peers;
}

function wholeNumber(value: BValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}

/** BEP 24: 4 or 16 raw address bytes. */
function externalIp(value: BValue | undefined): string | undefined {
  if (!Buffer.isBuffer(value) || (value.length !== 4 && value.length !== 16)) return undefined;
  const entryBytes = value.length === 4 ? COMPACT_IPV4_BYTES : COMPACT_IPV6_BYTES;
  return parseCompactPeers(Buffer.concat([value, Buffer.alloc(2)]), entryBytes)[0].host;
}
