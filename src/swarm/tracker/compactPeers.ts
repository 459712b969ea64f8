import * as net from 'net';
import type { ListedPeer } from './announce.js';

/** BEP 23: 4 address bytes and a 2-byte port, big-endian. */
export const COMPACT_IPV4_BYTES = 6;
/** BEP 7 (and BEP 15 over IPv6): 16 address bytes and a 2-byte port. */
export const COMPACT_IPV6_BYTES = 18;

/**
 * The peers of a compact list. A trailing partial entry is ignored rather
 * than failing the whole reply: the whole entries before it are still good.
 */
export function parseCompactPeers(bytes: Buffer, entryBytes: typeof COMPACT_IPV4_BYTES | typeof COMPACT_IPV6_BYTES): ListedPeer[] {
  const peers: ListedPeer[] = [];
  for (let at = 0; at + entryBytes <= bytes.length; at += entryBytes) {
    const address = bytes.subarray(at, at + entryBytes - 2);
    peers.push({ host: entryBytes === COMPACT_IPV4_BYTES ? address.join('.') : ipv6Text(address), port: bytes.readUInt16BE(at + entryBytes - 2) });
  }
  return peers;
}

/**
 * One peer in compact form, the reverse of parseCompactPeers (for PEX, BEP
 * 11): the address bytes, then the port. `host` is an address as the peer
 * filter's normalisedAddress writes it.
 */
export function encodeCompactPeer(host: string, port: number): Buffer {
  const address = net.isIPv4(host) ? Buffer.from(host.split('.').map(Number)) : ipv6Bytes(host);
  const entry = Buffer.alloc(address.length + 2);
  address.copy(entry);
  entry.writeUInt16BE(port, address.length);
  return entry;
}

/** Eight groups of hex; the peer filter normalises the text (net.isIP accepts this form). */
function ipv6Text(address: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(address.readUInt16BE(i).toString(16));
  return groups.join(':');
}

/** Hex groups with at most one `::` (the normalised form has no dotted IPv4 tail). */
function ipv6Bytes(host: string): Buffer {
  if (!net.isIPv6(host) || host.includes('.')) throw new RangeError(`not a normalised IP address: '${host}'`);
  const [head, tail] = host.split('::');
  const groups = (text: string | undefined) => (text ? text.split(':').map((group) => parseInt(group, 16)) : []);
  const front = groups(head);
  const back = groups(tail);
  const all = tail === undefined ? front : [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(group, 2 * i));
  return bytes;
}
