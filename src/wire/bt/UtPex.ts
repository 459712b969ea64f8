import bencode from 'bencode';
import type { BDict, BdecodeLimits } from '../../core/bencode/bdecode.js';
import { ProtocolError } from '../ProtocolError.js';
import { decodeDictionaryPrefix } from './bencodedDictionary.js';
import { MAX_EXTENDED_PAYLOAD_BYTES } from './limits.js';

/*
 * BEP 11, the ut_pex extension: a bencoded dictionary of compact peer lists,
 * `added` / `dropped` (IPv4, 6 bytes an entry: BEP 23) and `added6` /
 * `dropped6` (IPv6, 18 bytes), with one flags byte per added peer in
 * `added.f` / `added6.f`. This codec keeps the lists as compact bytes, whole
 * entries only; turning them into addresses and checking them is the peer
 * filter's work (swarm/), as for a tracker's compact reply.
 */

/** The name in BEP 10's `m` dictionary. */
export const UT_PEX = 'ut_pex';

export const PEX_IPV4_ENTRY_BYTES = 6;
export const PEX_IPV6_ENTRY_BYTES = 18;

/**
 * What we send at most per message, added (IPv4 and IPv6 together) and
 * dropped alike: the limit clients agreed on (BEP 11's conventions; some drop
 * a peer that sends more).
 */
export const MAX_PEX_SENT_PEERS = 50;

/**
 * What we keep of a received message, added and dropped alike; the rest is
 * cut, not refused: some clients send their whole peer list in a first
 * message, which is not worth a connection, and the extended payload cap
 * (some 2,900 IPv4 entries) already bounds the work of reading it.
 */
export const MAX_PEX_KEPT_PEERS = 200;

/** A ut_pex dictionary is one level of strings: any client's extra keys fit these. */
export const UT_PEX_BDECODE_LIMITS: BdecodeLimits = { maxDepth: 8, maxValues: 100 };

/** BEP 11 flags of an added peer (`added.f`). */
export const PEX_FLAG = { prefersEncryption: 0x01, seed: 0x02, utp: 0x04, holepunch: 0x08, reachable: 0x10 } as const;

/** One message: compact entries, whole ones only, and exactly one flags byte per added entry. */
export interface UtPexMessage {
  added: Buffer;
  addedFlags: Buffer;
  added6: Buffer;
  added6Flags: Buffer;
  dropped: Buffer;
  dropped6: Buffer;
}

/**
 * The payload of an extended message (after its id byte), every key written
 * (as libtorrent does). Throws RangeError for a partial entry, a flags list
 * not one byte per entry, or more than MAX_PEX_SENT_PEERS added or dropped (a caller bug).
 */
export function encodeUtPex(m: UtPexMessage): Buffer {
  const added = entries(m.added, PEX_IPV4_ENTRY_BYTES, 'added') + entries(m.added6, PEX_IPV6_ENTRY_BYTES, 'added6');
  const dropped = entries(m.dropped, PEX_IPV4_ENTRY_BYTES, 'dropped') + entries(m.dropped6, PEX_IPV6_ENTRY_BYTES, 'dropped6');
  if (added > MAX_PEX_SENT_PEERS || dropped > MAX_PEX_SENT_PEERS) throw new RangeError(`ut_pex sends at most ${MAX_PEX_SENT_PEERS} added and ${MAX_PEX_SENT_PEERS} dropped peers, got ${added} and ${dropped}`);
  if (m.addedFlags.length !== m.added.length / PEX_IPV4_ENTRY_BYTES || m.added6Flags.length !== m.added6.length / PEX_IPV6_ENTRY_BYTES) {
    throw new RangeError('ut_pex needs one flags byte per added peer');
  }
  return bencode.encode({ added: m.added, 'added.f': m.addedFlags, added6: m.added6, 'added6.f': m.added6Flags, dropped: m.dropped, dropped6: m.dropped6 });
}

/**
 * A peer's ut_pex message. Refuses (ProtocolError) a payload over the
 * extended cap and one that is not a well-formed bencoded dictionary. Lenient
 * about the rest, as other clients are: a missing key or one of the wrong type
 * is an empty list, a trailing partial entry is cut, flags missing for an
 * entry are 0, and each of added and dropped is cut to MAX_PEX_KEPT_PEERS
 * entries (IPv4 first).
 */
export function decodeUtPex(payload: Buffer): UtPexMessage {
  if (payload.length > MAX_EXTENDED_PAYLOAD_BYTES) {
    throw new ProtocolError('frame-too-large', `ut_pex (BEP 11): a message of ${payload.length} bytes, the cap is ${MAX_EXTENDED_PAYLOAD_BYTES}`, { lengthBytes: payload.length });
  }
  const { dictionary } = decodeDictionaryPrefix(payload, UT_PEX_BDECODE_LIMITS, 'ut_pex (BEP 11)');
  const added = kept(bytes(dictionary, 'added'), PEX_IPV4_ENTRY_BYTES, MAX_PEX_KEPT_PEERS);
  const added6 = kept(bytes(dictionary, 'added6'), PEX_IPV6_ENTRY_BYTES, MAX_PEX_KEPT_PEERS - added.length / PEX_IPV4_ENTRY_BYTES);
  const dropped = kept(bytes(dictionary, 'dropped'), PEX_IPV4_ENTRY_BYTES, MAX_PEX_KEPT_PEERS);
  const dropped6 = kept(bytes(dictionary, 'dropped6'), PEX_IPV6_ENTRY_BYTES, MAX_PEX_KEPT_PEERS - dropped.length / PEX_IPV4_ENTRY_BYTES);
  return {
    added,
    addedFlags: flagsFor(bytes(dictionary, 'added.f'), added.length / PEX_IPV4_ENTRY_BYTES),
    added6,
    added6Flags: flagsFor(bytes(dictionary, 'added6.f'), added6.length / PEX_IPV6_ENTRY_BYTES),
    dropped,
    dropped6,
  };
}

const EMPTY = Buffer.alloc(0);

function bytes(dictionary: BDict, key: string): Buffer {
  const value = dictionary.get(key);
  return Buffer.isBuffer(value) ? value : EMPTY;
}

/** The first whole entries, at most `max` of them, copied out of the frame (which may be a pooled buffer). */
function kept(list: Buffer, entryBytes: number, max: number): Buffer {
  return Buffer.from(list.subarray(0, Math.min(Math.floor(list.length / entryBytes), max) * entryBytes));
}

function flagsFor(flags: Buffer, count: number): Buffer {
  const exact = Buffer.alloc(count);
  flags.copy(exact, 0, 0, count);
  return exact;
}

function entries(list: Buffer, entryBytes: number, what: string): number {
  if (list.length % entryBytes !== 0) throw new RangeError(`ut_pex ${what} must be whole ${entryBytes}-byte entries, got ${list.length} bytes`);
  return list.length / entryBytes;
}
