import { ProtocolError } from '../ProtocolError.js';
import { assertUint32 } from '../uint32.js';

/*
 * protocol.md, "Handshake (32 bytes)":
 *   bytes 0-17  ASCII 'P2PFILESHARINGPROJ'
 *   bytes 18-27 ten 0x00 bytes
 *   bytes 28-31 peer ID, unsigned 32-bit big-endian
 */
export const HANDSHAKE_LENGTH = 32;
export const HANDSHAKE_HEADER = 'P2PFILESHARINGPROJ';

const HEADER_BYTES = Buffer.from(HANDSHAKE_HEADER, 'ascii');
const PADDING_OFFSET = HEADER_BYTES.length; // 18
const PEER_ID_OFFSET = 28;

export function encodeHandshake(peerId: number): Buffer {
  assertUint32(peerId, 'peer ID');
  const bytes = Buffer.alloc(HANDSHAKE_LENGTH); // zero-filled: the padding is already there
  HEADER_BYTES.copy(bytes, 0);
  bytes.writeUInt32BE(peerId, PEER_ID_OFFSET);
  return bytes;
}

/**
 * Checks whatever part of bytes 0-27 has arrived, so that a peer speaking
 * another protocol is rejected without waiting for all 32 bytes. Bytes past 27
 * (the peer ID) are not looked at.
 */
export function checkHandshakePrefix(bytes: Buffer): void {
  const end = Math.min(bytes.length, PEER_ID_OFFSET);
  for (let offset = 0; offset < end; offset++) {
    if (offset < PADDING_OFFSET) {
      if (bytes[offset] !== HEADER_BYTES[offset]) {
        throw new ProtocolError(
          'bad-handshake-header',
          `handshake header is not '${HANDSHAKE_HEADER}' (byte ${offset} is 0x${hex(bytes[offset])})`,
          { offset, byte: bytes[offset] },
        );
      }
    } else if (bytes[offset] !== 0) {
      throw new ProtocolError(
        'bad-handshake-padding',
        `handshake padding byte ${offset} is 0x${hex(bytes[offset])}, must be zero`,
        { offset, byte: bytes[offset] },
      );
    }
  }
}

/**
 * Decodes exactly one 32-byte handshake and returns the peer ID (unsigned).
 * Fewer than 32 bytes is 'truncated'; more than 32 is 'bad-payload-length'
 * (the caller must slice: the bitfield may follow in the same segment).
 * The header is checked before the length, so garbage says 'bad-handshake-header'.
 * Whether the ID is acceptable (the dialled peer, a listed peer) is the caller's call.
 */
export function decodeHandshake(bytes: Buffer): number {
  checkHandshakePrefix(bytes);
  if (bytes.length < HANDSHAKE_LENGTH) {
    throw new ProtocolError('truncated', `handshake of ${bytes.length} bytes, need ${HANDSHAKE_LENGTH}`, {
      lengthBytes: bytes.length,
      expectedBytes: HANDSHAKE_LENGTH,
    });
  }
  if (bytes.length > HANDSHAKE_LENGTH) {
    throw new ProtocolError('bad-payload-length', `handshake of ${bytes.length} bytes, must be exactly ${HANDSHAKE_LENGTH}`, {
      lengthBytes: bytes.length,
      expectedBytes: HANDSHAKE_LENGTH,
    });
  }
  return bytes.readUInt32BE(PEER_ID_OFFSET);
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
