import { ProtocolError } from '../ProtocolError.js';

/*
 * BEP 3, "handshake" (68 bytes):
 *   byte 0       19, the length of the protocol string
 *   bytes 1-19   'BitTorrent protocol'
 *   bytes 20-27  reserved: capability bits (BEP 10, BEP 6, BEP 5)
 *   bytes 28-47  the info-hash: which torrent
 *   bytes 48-67  the sender's peer id
 * The side that accepts a connection reads bytes 0-47 before it answers, so it
 * can route the connection to a torrent by info-hash, or close it.
 */
export const BT_PROTOCOL = 'BitTorrent protocol';
export const BT_HANDSHAKE_LENGTH = 68;
/** Protocol string, reserved bytes and info-hash: what a listener needs before it answers. */
export const BT_HANDSHAKE_HEAD_LENGTH = 48;
export const INFO_HASH_BYTES = 20;
export const PEER_ID_BYTES = 20;

const PROTOCOL_BYTES = Buffer.concat([Buffer.from([BT_PROTOCOL.length]), Buffer.from(BT_PROTOCOL, 'ascii')]); // 20 bytes
const RESERVED_OFFSET = PROTOCOL_BYTES.length; // 20
const RESERVED_BYTES = 8;
const INFO_HASH_OFFSET = RESERVED_OFFSET + RESERVED_BYTES; // 28

/** The reserved bits we name; a peer's other bits are kept in `reserved` and otherwise ignored. */
export interface Capabilities {
  /** BEP 10, the extension protocol: 0x10 in reserved byte 5. */
  extended: boolean;
  /** BEP 6, the fast extension: 0x04 in reserved byte 7. */
  fast: boolean;
  /** BEP 5, DHT (the port message): 0x01 in reserved byte 7. */
  dht: boolean;
}

/** Where each capability's bit is: a reserved byte and a mask. */
const BIT: Readonly<Record<keyof Capabilities, { byte: number; mask: number }>> = {
  extended: { byte: 5, mask: 0x10 },
  fast: { byte: 7, mask: 0x04 },
  dht: { byte: 7, mask: 0x01 },
};
const CAPABILITY_NAMES = Object.keys(BIT) as Array<keyof Capabilities>;

export interface HandshakeHead {
  capabilities: Capabilities;
  /** All 8 reserved bytes as sent, bits we do not name included. */
  reserved: Buffer;
  infoHash: Buffer;
}

export interface BtHandshake {
  capabilities: Capabilities;
  infoHash: Buffer;
  peerId: Buffer;
}

/** Our 68 bytes. Throws RangeError for an info-hash or peer id that is not 20 bytes (a caller bug). */
export function encodeBtHandshake(handshake: BtHandshake): Buffer {
  checkTwentyBytes(handshake.infoHash, 'info-hash');
  checkTwentyBytes(handshake.peerId, 'peer id');
  return Buffer.concat([PROTOCOL_BYTES, reservedFor(handshake.capabilities), handshake.infoHash, handshake.peerId]);
}

export function reservedFor(capabilities: Capabilities): Buffer {
  const reserved = Buffer.alloc(RESERVED_BYTES);
  for (const name of CAPABILITY_NAMES) if (capabilities[name]) reserved[BIT[name].byte] |= BIT[name].mask;
  return reserved;
}

export function capabilitiesOf(reserved: Buffer): Capabilities {
  const has = (name: keyof Capabilities): boolean => (reserved[BIT[name].byte] & BIT[name].mask) !== 0;
  return { extended: has('extended'), fast: has('fast'), dht: has('dht') };
}

/**
 * Checks whatever part of bytes 0-19 has arrived, so that a peer speaking
 * another protocol (or an encrypted stream) is refused from its first wrong
 * byte. The reserved bytes, info-hash and peer id are anything.
 */
export function checkBtHandshakePrefix(bytes: Buffer): void {
  const end = Math.min(bytes.length, PROTOCOL_BYTES.length);
  for (let offset = 0; offset < end; offset++) {
    if (bytes[offset] !== PROTOCOL_BYTES[offset]) {
      const what = offset === 0 ? `protocol string length is ${bytes[0]}, not ${BT_PROTOCOL.length}` : `protocol string is not '${BT_PROTOCOL}'`;
      throw new ProtocolError('bad-protocol-string', `${what} (byte ${offset} is 0x${bytes[offset].toString(16).padStart(2, '0')})`, {
        offset,
        byte: bytes[offset],
      });
    }
  }
}

/**
 * Decodes exactly the first 48 bytes of a handshake. Fewer is 'truncated',
 * more 'bad-payload-length' (the caller slices: the peer id follows). The
 * returned buffers are copies: they do not pin `bytes`.
 */
export function decodeHandshakeHead(bytes: Buffer): HandshakeHead {
  checkBtHandshakePrefix(bytes);
  if (bytes.length !== BT_HANDSHAKE_HEAD_LENGTH) {
    const code = bytes.length < BT_HANDSHAKE_HEAD_LENGTH ? 'truncated' : 'bad-payload-length';
    throw new ProtocolError(code, `handshake head of ${bytes.length} bytes, must be exactly ${BT_HANDSHAKE_HEAD_LENGTH}`, {
      lengthBytes: bytes.length,
      expectedBytes: BT_HANDSHAKE_HEAD_LENGTH,
    });
  }
  const reserved = Buffer.from(bytes.subarray(RESERVED_OFFSET, INFO_HASH_OFFSET));
  return { capabilities: capabilitiesOf(reserved), reserved, infoHash: Buffer.from(bytes.subarray(INFO_HASH_OFFSET)) };
}

function checkTwentyBytes(value: Buffer, what: string): void {
  if (value.length !== 20) throw new RangeError(`${what} must be 20 bytes, got ${value.length}`);
}
