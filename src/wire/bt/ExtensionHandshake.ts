import bencode from 'bencode';
import { BDict, type BdecodeLimits, type BValue } from '../../core/bencode/bdecode.js';
import { ProtocolError } from '../ProtocolError.js';
import { assertIntegerIn } from '../uint32.js';
import { decodeDictionaryPrefix } from './bencodedDictionary.js';
import { MAX_EXTENDED_PAYLOAD_BYTES } from './limits.js';

/** BEP 10: extended message id 0 is the extension handshake. */
export const EXTENSION_HANDSHAKE_ID = 0;

/**
 * Decoding a payload of at most MAX_EXTENDED_PAYLOAD_BYTES: BEP 10's handshake
 * is 2 levels deep, so 32 is room for any client's extra keys. Every value
 * takes at least 2 bytes, so the byte cap already bounds the values.
 */
export const EXTENSION_BDECODE_LIMITS: BdecodeLimits = { maxDepth: 32, maxValues: MAX_EXTENDED_PAYLOAD_BYTES / 2 };
const DICTIONARY = 0x64; // 'd'

/**
 * BEP 10's extension handshake, the keys we use; every one is optional, and
 * a peer's unknown keys are ignored.
 */
export interface ExtensionHandshake {
  /** `m`: extension name -> the id its sender wants in messages sent to it (1-255; 0 turns it off). */
  extensions: ReadonlyMap<string, number>;
  /** `v`: the client's name and version, for people to read. */
  client?: string;
  /** `reqq`: how many requests the sender queues before it drops more. */
  maxRequests?: number;
  /** `yourip`: our address as the sender sees it, 4 (IPv4) or 16 (IPv6) bytes. */
  yourIp?: Buffer;
  /** `p`: the port the sender listens on. */
  port?: number;
  /** `metadata_size` (BEP 9): the info dictionary's size in bytes. */
  metadataSize?: number;
}

/**
 * A peer's extension handshake, from the payload of extended message 0.
 * Refuses a payload over `maxBytes` and one that is not a dictionary
 * ('bad-extension-handshake'), and one that is not well-formed bencode within
 * EXTENSION_BDECODE_LIMITS ('bad-bencode'). A known key with a value of the
 * wrong type or range is ignored as if absent: real clients send odd values,
 * and none of these keys is worth a connection. Bytes after the dictionary are
 * ignored too.
 */
export function parseExtensionHandshake(payload: Buffer, maxBytes = MAX_EXTENDED_PAYLOAD_BYTES): ExtensionHandshake {
  if (payload.length > maxBytes) {
    throw new ProtocolError('bad-extension-handshake', `extension handshake of ${payload.length} bytes, the cap is ${maxBytes}`, {
      lengthBytes: payload.length,
      maxBytes,
    });
  }
  // Told from its first byte: another type of value is not worth decoding.
  if (payload[0] !== DICTIONARY) throw new ProtocolError('bad-extension-handshake', 'extension handshake is not a bencoded dictionary');
  const { dictionary } = decodeDictionaryPrefix(payload, EXTENSION_BDECODE_LIMITS, 'extension handshake (BEP 10)');
  const handshake: ExtensionHandshake = { extensions: extensionIds(dictionary.get('m')) };
  const client = dictionary.get('v');
  if (Buffer.isBuffer(client)) handshake.client = client.toString('utf8');
  const maxRequests = integerIn(dictionary.get('reqq'), 1, Number.MAX_SAFE_INTEGER);
  if (maxRequests !== undefined) handshake.maxRequests = maxRequests;
  const yourIp = dictionary.get('yourip');
  if (Buffer.isBuffer(yourIp) && (yourIp.length === 4 || yourIp.length === 16)) handshake.yourIp = Buffer.from(yourIp);
  const port = integerIn(dictionary.get('p'), 1, 0xffff);
  if (port !== undefined) handshake.port = port;
  const metadataSize = integerIn(dictionary.get('metadata_size'), 1, Number.MAX_SAFE_INTEGER);
  if (metadataSize !== undefined) handshake.metadataSize = metadataSize;
  return handshake;
}

/** Our extension handshake, the payload of extended message 0. Throws RangeError for a value out of its range (a caller bug). */
export function encodeExtensionHandshake(handshake: ExtensionHandshake): Buffer {
  for (const [name, id] of handshake.extensions) assertIntegerIn(id, 0, 0xff, `extension id of ${name}`);
  if (handshake.yourIp && handshake.yourIp.length !== 4 && handshake.yourIp.length !== 16) {
    throw new RangeError(`yourip must be 4 or 16 bytes, got ${handshake.yourIp.length}`);
  }
  // bencode writes the keys sorted and leaves out the undefined ones. Its encoder (unlike its decoder)
  // is safe here: it walks only this 2-level value, built from checked fields.
  return bencode.encode({
    m: handshake.extensions,
    v: handshake.client,
    reqq: optionalInteger('reqq', handshake.maxRequests, 1, Number.MAX_SAFE_INTEGER),
    yourip: handshake.yourIp,
    p: optionalInteger('p', handshake.port, 1, 0xffff),
    metadata_size: optionalInteger('metadata_size', handshake.metadataSize, 1, Number.MAX_SAFE_INTEGER),
  });
}

/** `m`'s entries whose id fits a byte; anything else (not a dictionary, an id that is not 0-255) is left out. */
function extensionIds(m: BValue | undefined): Map<string, number> {
  const ids = new Map<string, number>();
  if (!(m instanceof BDict)) return ids;
  for (const [name, id] of m) {
    const byte = integerIn(id, 0, 0xff);
    // The decoder's keys are latin1; extension names are UTF-8 text.
    if (byte !== undefined) ids.set(Buffer.from(name, 'latin1').toString('utf8'), byte);
  }
  return ids;
}

function integerIn(value: unknown, min: number, max: number): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max ? (value as number) : undefined;
}

function optionalInteger(what: string, value: number | undefined, min: number, max: number): number | undefined {
  if (value !== undefined) assertIntegerIn(value, min, max, what);
  return value;
}
