import fc from 'fast-check';
import { Message, MessageType } from '../../src/wire/index.js';

export const uint32 = fc.integer({ min: 0, max: 0xffffffff });

/**
 * A frame of either dialect whose length prefix is small (up to `maxLength`)
 * and whose type byte (from `types`) and payload are random: it reaches every
 * decoding branch, legal or not.
 */
export const plausibleFrame = (maxLength: number, types: fc.Arbitrary<number>): fc.Arbitrary<Buffer> =>
  fc.tuple(fc.integer({ min: 0, max: maxLength }), types, fc.uint8Array({ maxLength })).map(([length, type, payload]) => {
    const frame = Buffer.alloc(4 + length);
    frame.writeUInt32BE(length, 0);
    if (length > 0) frame[4] = type;
    Buffer.from(payload).copy(frame, 5, 0, Math.max(0, length - 1));
    return frame;
  });

export const bytes = (maxLength: number): fc.Arbitrary<Buffer> =>
  fc.uint8Array({ maxLength, size: 'medium' }).map((array) => Buffer.from(array));

/** Any well-formed message; payloads are kept small so that thousands of runs stay fast. */
export const message = (maxPayloadBytes = 200): fc.Arbitrary<Message> =>
  fc.oneof(
    fc.constant<Message>({ type: MessageType.Choke }),
    fc.constant<Message>({ type: MessageType.Unchoke }),
    fc.constant<Message>({ type: MessageType.Interested }),
    fc.constant<Message>({ type: MessageType.NotInterested }),
    uint32.map((index): Message => ({ type: MessageType.Have, index })),
    bytes(maxPayloadBytes).map((bits): Message => ({ type: MessageType.Bitfield, bits })),
    uint32.map((index): Message => ({ type: MessageType.Request, index })),
    fc.tuple(uint32, bytes(maxPayloadBytes)).map(([index, data]): Message => ({ type: MessageType.Piece, index, data })),
  );
