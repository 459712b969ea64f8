import fc from 'fast-check';
import { BtMessage } from '../../../src/wire/bt/index.js';
import { bytes, uint32 } from '../arbitraries.js';

/** Any well-formed BitTorrent message for a torrent whose bitfield is `bitfieldBytes` long; small payloads keep runs fast. */
export const btMessage = (bitfieldBytes: number, maxPayloadBytes = 200): fc.Arbitrary<BtMessage> => {
  const noPayload = fc.constantFrom<BtMessage>(
    { kind: 'keep-alive' },
    { kind: 'choke' },
    { kind: 'unchoke' },
    { kind: 'interested' },
    { kind: 'not-interested' },
    { kind: 'have-all' },
    { kind: 'have-none' },
  );
  const indexed = fc.tuple(fc.constantFrom('have', 'suggest', 'allowed-fast' as const), uint32).map(([kind, index]): BtMessage => ({ kind, index }));
  const block = fc
    .tuple(fc.constantFrom('request', 'cancel', 'reject' as const), uint32, uint32, uint32)
    .map(([kind, index, begin, length]): BtMessage => ({ kind, index, begin, length }));
  const bitfield = fc.uint8Array({ minLength: bitfieldBytes, maxLength: bitfieldBytes }).map((bits): BtMessage => ({ kind: 'bitfield', bits: Buffer.from(bits) }));
  const piece = fc.tuple(uint32, uint32, bytes(maxPayloadBytes)).map(([index, begin, data]): BtMessage => ({ kind: 'piece', index, begin, data }));
  const port = fc.integer({ min: 0, max: 0xffff }).map((p): BtMessage => ({ kind: 'port', port: p }));
  const extended = fc.tuple(fc.integer({ min: 0, max: 255 }), bytes(maxPayloadBytes)).map(([id, payload]): BtMessage => ({ kind: 'extended', id, payload }));
  return fc.oneof(noPayload, indexed, block, bitfield, piece, port, extended);
};
