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

/** Eight groups of hex; the peer filter normalises the text (net.isIP accepts this form). */
function ipv6Text(address: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(address.readUInt16BE(i).toString(16));
  return groups.join(':');
}
