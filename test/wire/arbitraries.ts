import fc from 'fast-check';
import { Message, MessageType } from '../../src/wire/index.js';

export const uint32 = fc.integer({ min: 0, max: 0xffffffff });

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
