import * as net from 'net';
import type { DiscoveredPeer, PeerSourceKind } from '../PeerSource.js';
import type { ListedPeer } from './announce.js';

/** Who we are, to recognise ourselves in a peer list: trackers list the asking peer too (bittorrent.md). */
export interface OwnIdentity {
  peerId: Buffer;
  port: number;
  /** True for an address of this machine (or the one the tracker says it sees us at). */
  isOwnHost(host: string): boolean;
}

export interface CheckedPeers {
  peers: DiscoveredPeer[];
  /** How many listed entries were dropped, and why (for the diagnostics). */
  dropped: { ourselves: number; invalid: number; repeats: number; overLimit: number };
}

/**
 * The peers of one reply worth dialling: a real unicast IP address and a port
 * that is not 0, not us, each address once, at most `limit` of them (a reply
 * listing 100,000 peers costs us no more than one listing `limit`).
 */
export function checkPeers(listed: readonly ListedPeer[], self: OwnIdentity, source: PeerSourceKind, limit: number): CheckedPeers {
  const dropped = { ourselves: 0, invalid: 0, repeats: 0, overLimit: 0 };
  const seen = new Set<string>();
  const peers: DiscoveredPeer[] = [];
  for (const entry of listed) {
    const host = normalisedAddress(entry.host);
    if (host === undefined || !isValidPort(entry.port)) {
      dropped.invalid++;
      continue;
    }
    if ((entry.peerId && entry.peerId.equals(self.peerId)) || (entry.port === self.port && self.isOwnHost(host))) {
      dropped.ourselves++;
      continue;
    }
    const key = `${host}|${entry.port}`;
    if (seen.has(key)) {
      dropped.repeats++;
      continue;
    }
    seen.add(key);
    if (peers.length >= limit) {
      dropped.overLimit++;
      continue;
    }
    peers.push(entry.peerId ? { host, port: entry.port, peerId: entry.peerId, source } : { host, port: entry.port, source });
  }
  return { peers, dropped };
}

function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port <= 0xffff;
}

/**
 * One spelling per address (an IPv4-mapped IPv6 address is the IPv4 one), or
 * undefined when it is not an address a peer can listen on: a host name (we
 * resolve no names a tracker hands us), unspecified, multicast or broadcast.
 */
export function normalisedAddress(host: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(host);
  const text = mapped ? mapped[1] : host;
  if (net.isIPv4(text)) {
    const first = Number(text.split('.')[0]);
    // 0.0.0.0/8 is "this network"; 224 and up are multicast, reserved and broadcast.
    return first === 0 || first >= 224 ? undefined : text.split('.').map(Number).join('.');
  }
  if (net.isIPv6(text)) {
    const canonical = new URL(`http://[${text}]`).hostname.slice(1, -1);
    return canonical === '::' || canonical.startsWith('ff') ? undefined : canonical;
  }
  return undefined;
}
