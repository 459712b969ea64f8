import * as net from 'net';

/**
 * One peer in compact form (BEP 23 for IPv4, 6 bytes; BEP 7 for IPv6, 18
 * bytes): the address bytes, then the port, big-endian. The reverse of
 * tracker/compactPeers.ts's parseCompactPeers. `host` is an address as the
 * peer filter's normalisedAddress writes it.
 */
export function encodeCompactPeer(host: string, port: number): Buffer {
  const address = net.isIPv4(host) ? Buffer.from(host.split('.').map(Number)) : ipv6Bytes(host);
  const entry = Buffer.alloc(address.length + 2);
  address.copy(entry);
  entry.writeUInt16BE(port, address.length);
  return entry;
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
