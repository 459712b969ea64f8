import { TrackerError, type AnnounceEvent, type AnnounceRequest, type ListedPeer } from './announce.js';
import { COMPACT_IPV4_BYTES, COMPACT_IPV6_BYTES, parseCompactPeers } from './compactPeers.js';
import { printable } from './trackerText.js';

/** BEP 15's magic connection id of a connect request. */
export const UDP_PROTOCOL_ID = 0x41727101980n;

const ACTION = { connect: 0, announce: 1, error: 3 } as const;
const EVENT_CODE: Record<AnnounceEvent | 'none', number> = { none: 0, completed: 1, started: 2, stopped: 3 };

export type UdpReply =
  | { action: 'connect'; transactionId: number; connectionId: Buffer }
  | { action: 'announce'; transactionId: number; intervalS: number; leechers: number; seeders: number; peers: ListedPeer[] }
  | { action: 'error'; transactionId: number; message: string };

/** connect: protocol id (8), action 0 (4), transaction id (4). */
export function encodeConnect(transactionId: number): Buffer {
  const packet = Buffer.alloc(16);
  packet.writeBigUInt64BE(UDP_PROTOCOL_ID, 0);
  packet.writeUInt32BE(ACTION.connect, 8);
  packet.writeUInt32BE(transactionId, 12);
  return packet;
}

/** announce, 98 bytes: BEP 15's fields in its order, the IP field 0 (the tracker takes the sender's). */
export function encodeAnnounce(connectionId: Buffer, transactionId: number, request: AnnounceRequest): Buffer {
  const packet = Buffer.alloc(98);
  connectionId.copy(packet, 0, 0, 8);
  packet.writeUInt32BE(ACTION.announce, 8);
  packet.writeUInt32BE(transactionId, 12);
  request.infoHash.copy(packet, 16, 0, 20);
  request.peerId.copy(packet, 36, 0, 20);
  packet.writeBigUInt64BE(BigInt(request.downloaded), 56);
  packet.writeBigUInt64BE(BigInt(request.left), 64);
  packet.writeBigUInt64BE(BigInt(request.uploaded), 72);
  packet.writeUInt32BE(EVENT_CODE[request.event ?? 'none'], 80);
  packet.writeUInt32BE(0, 84);
  packet.writeUInt32BE(request.key >>> 0, 88);
  packet.writeInt32BE(request.numwant, 92);
  packet.writeUInt16BE(request.port, 96);
  return packet;
}

/**
 * A tracker's UDP reply. Peers are 6-byte entries over IPv4 and 18-byte ones
 * over IPv6 (BEP 15). A packet too short for its action, or of an action we
 * never asked for, is a bad reply.
 */
export function decodeUdpReply(packet: Buffer, overIpv6: boolean): UdpReply {
  if (packet.length < 8) throw badReply(`a ${packet.length}-byte packet`);
  const action = packet.readUInt32BE(0);
  const transactionId = packet.readUInt32BE(4);
  switch (action) {
    case ACTION.connect:
      if (packet.length < 16) throw badReply(`a ${packet.length}-byte connect reply (16 expected)`);
      return { action: 'connect', transactionId, connectionId: Buffer.from(packet.subarray(8, 16)) };
    case ACTION.announce:
      if (packet.length < 20) throw badReply(`a ${packet.length}-byte announce reply (at least 20 expected)`);
      return {
        action: 'announce',
        transactionId,
        intervalS: packet.readUInt32BE(8),
        leechers: packet.readUInt32BE(12),
        seeders: packet.readUInt32BE(16),
        peers: parseCompactPeers(packet.subarray(20), overIpv6 ? COMPACT_IPV6_BYTES : COMPACT_IPV4_BYTES),
      };
    case ACTION.error:
      return { action: 'error', transactionId, message: printable(packet.subarray(8)) };
    default:
      throw badReply(`action ${action}`);
  }
}

function badReply(what: string): TrackerError {
  return new TrackerError('bad-reply', `the tracker sent ${what}`);
}
