import * as net from 'net';

/** Which IPv4 addresses the DHT node talks to, and hands on as peers. */
export type AddressPolicy = (host: string) => boolean;

/** Ranges no node of the public DHT can be reached at (RFC 6890): a reply listing them is a mistake or an attempt to aim us at a private network. */
const NOT_PUBLIC: readonly [number, number][] = [
  [0x00000000, 8], // "this network"
  [0x0a000000, 8], // private
  [0x64400000, 10], // carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local
  [0xac100000, 12], // private
  [0xc0a80000, 16], // private
  [0xe0000000, 3], // multicast, reserved, broadcast
];

/** The default: public unicast IPv4 only. */
export function isPublicUnicast(host: string): boolean {
  if (!net.isIPv4(host)) return false;
  const value = host.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
  return !NOT_PUBLIC.some(([base, bits]) => Math.floor(value / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)));
}

/** For a DHT on one machine (tests, a lab): public addresses and 127.0.0.0/8. */
export function isPublicOrLoopback(host: string): boolean {
  return isPublicUnicast(host) || (net.isIPv4(host) && host.startsWith('127.'));
}
