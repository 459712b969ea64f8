import * as net from 'net';
import { INFO_HASH_BYTES } from '../wire/bt/index.js';
import { normalisedAddress } from '../swarm/tracker/peerFilter.js';

/**
 * A magnet link (BEP 9, "magnet URI format"):
 * `magnet:?xt=urn:btih:<info-hash>&dn=<name>&tr=<tracker>&x.pe=<host:port>`,
 * `tr` and `x.pe` repeated. The info-hash is 40 hex digits or 32 base32
 * characters (RFC 4648, the older form).
 *
 * Why not the magnet-uri package: it reads any text holding `magnet:?`
 * anywhere, takes any 40 characters as a hex info-hash and any 32 as base32,
 * and keeps every tracker scheme; the checks that matter were all ours to add,
 * and URLSearchParams does the rest.
 */
export interface MagnetLink {
  /** The 20-byte SHA-1 of the torrent's info dictionary. */
  infoHash: Buffer;
  /** `dn`: a name to show until the metadata arrives. */
  displayName?: string;
  /** `tr`: the http, https and udp trackers, each once, in the link's order. */
  trackers: string[];
  /** `x.pe`: peers to dial, IP addresses only (no names are resolved), each once. */
  peers: { host: string; port: number }[];
  /** What was left out (a tracker of another scheme, a bad peer address), one sentence each. */
  notes: string[];
}

export class MagnetError extends Error {
  override readonly name = 'MagnetError';

  constructor(
    readonly link: string,
    readonly problem: string,
  ) {
    super(`magnet link '${shortened(link)}': ${problem}`);
  }
}

/** Longer links are refused unread: a link with a few hundred trackers is some 20,000 characters. */
export const MAX_MAGNET_LINK_CHARS = 64 * 1024;

const SCHEME = 'magnet:?';
const BTIH = 'urn:btih:';
const HEX_CHARS = INFO_HASH_BYTES * 2;
const BASE32_CHARS = (INFO_HASH_BYTES * 8) / 5;
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const TRACKER_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:', 'udp:']);

/** Whether a command-line argument is a magnet link rather than a file path (a file named `magnet:?x` needs `./`). */
export function isMagnetLink(arg: string): boolean {
  return arg.slice(0, SCHEME.length).toLowerCase() === SCHEME;
}

/** Reads a magnet link; throws a MagnetError saying what is wrong when there is no usable info-hash. */
export function parseMagnetLink(link: string): MagnetLink {
  if (!isMagnetLink(link)) throw new MagnetError(link, `not a magnet link: it must start with '${SCHEME}'`);
  if (link.length > MAX_MAGNET_LINK_CHARS) throw new MagnetError(link, `${link.length} characters, more than the ${MAX_MAGNET_LINK_CHARS} a link may have`);
  const params = new URLSearchParams(link.slice(SCHEME.length));
  const notes: string[] = [];
  const displayName = params.get('dn') ?? undefined;
  return {
    infoHash: infoHashOf(link, params.getAll('xt')),
    ...(displayName === undefined ? {} : { displayName }),
    trackers: trackersOf(params.getAll('tr'), notes),
    peers: peersOf(params.getAll('x.pe'), notes),
    notes,
  };
}

/** The one BitTorrent info-hash among the `xt`s (a link may also carry other hashes, such as BEP 52's btmh). */
function infoHashOf(link: string, topics: string[]): Buffer {
  const hashes = topics.filter((xt) => xt.toLowerCase().startsWith(BTIH)).map((xt) => decodeInfoHash(link, xt.slice(BTIH.length)));
  if (hashes.length === 0) throw new MagnetError(link, `no 'xt=${BTIH}<info-hash>' parameter: swarmlab needs a BitTorrent v1 info-hash`);
  if (hashes.some((hash) => !hash.equals(hashes[0]))) throw new MagnetError(link, `${hashes.length} different '${BTIH}' info-hashes: a link names one torrent`);
  return hashes[0];
}

function decodeInfoHash(link: string, text: string): Buffer {
  if (text.length === HEX_CHARS) {
    if (!/^[0-9a-f]+$/i.test(text)) throw new MagnetError(link, `the info-hash '${text}' is not ${HEX_CHARS} hex digits`);
    return Buffer.from(text, 'hex');
  }
  if (text.length === BASE32_CHARS) {
    const hash = decodeBase32(text);
    if (hash === undefined) throw new MagnetError(link, `the info-hash '${text}' is not ${BASE32_CHARS} base32 characters (A-Z, 2-7)`);
    return hash;
  }
  throw new MagnetError(link, `the info-hash '${text}' has ${text.length} characters: it must be ${HEX_CHARS} hex digits or ${BASE32_CHARS} base32 characters`);
}

/** RFC 4648 base32 without padding, either case; undefined for a character outside the alphabet. */
function decodeBase32(text: string): Buffer | undefined {
  const bytes = Buffer.alloc((text.length * 5) >> 3);
  let bits = 0;
  let value = 0;
  let at = 0;
  for (const char of text.toUpperCase()) {
    const digit = BASE32_ALPHABET.indexOf(char);
    if (digit < 0) return undefined;
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = (value >> bits) & 0xff;
    }
  }
  return bytes;
}

function trackersOf(urls: string[], notes: string[]): string[] {
  const trackers = new Set<string>();
  for (const url of urls) {
    if (!URL.canParse(url)) notes.push(`tracker '${url}' left out: not a URL`);
    else if (!TRACKER_SCHEMES.has(new URL(url).protocol)) notes.push(`tracker '${url}' left out: only http, https and udp trackers are used`);
    else trackers.add(url);
  }
  return [...trackers];
}

function peersOf(addresses: string[], notes: string[]): { host: string; port: number }[] {
  const peers = new Map<string, { host: string; port: number }>();
  for (const text of addresses) {
    const peer = peerAddress(text);
    if (typeof peer === 'string') notes.push(`peer '${text}' left out: ${peer}`);
    else peers.set(`${peer.host}|${peer.port}`, peer);
  }
  return [...peers.values()];
}

/** `1.2.3.4:6881` or `[::1]:6881` as an address and port, or what is wrong with it. */
function peerAddress(text: string): { host: string; port: number } | string {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!match) return 'not host:port (an IPv6 address goes in brackets)';
  const [, bracketed, bare, portText] = match;
  const port = Number(portText);
  if (port < 1 || port > 0xffff) return `port ${portText} is not 1-65535`;
  // A name is not resolved (PeerSource.ts); a bracketed IPv4 address or a bare IPv6 one would be a typo.
  const isAddress = bracketed !== undefined ? net.isIPv6(bracketed) : net.isIPv4(bare);
  const host = isAddress ? normalisedAddress(bracketed ?? bare) : undefined;
  if (host === undefined) return `'${bracketed ?? bare}' is not a unicast IPv4 address or a bracketed IPv6 one`;
  return { host, port };
}

function shortened(link: string): string {
  return link.length <= 120 ? link : `${link.slice(0, 117)}...`;
}
