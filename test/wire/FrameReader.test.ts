import {
  FrameReader,
  Message,
  MessageType,
  encodeHandshake,
  encodeMessage,
  maxMessageLength,
  recommendedMaxBufferedBytes,
} from '../../src/wire/index.js';
import { BufferPool } from '../../src/wire/BufferPool.js';
import { expectProtocolError, fromHex } from './helpers.js';

const PIECE_SIZE = 1000;
const MAX = maxMessageLength(PIECE_SIZE);
const limits = { maxMessageLength: MAX, maxBufferedBytes: recommendedMaxBufferedBytes(MAX) };

const pieceData = Buffer.from(Array.from({ length: PIECE_SIZE }, (_, i) => (i * 31 + 7) & 0xff));
const MESSAGES: Message[] = [
  { type: MessageType.Bitfield, bits: Buffer.from([0xf0, 0x80]) },
  { type: MessageType.Interested },
  { type: MessageType.Unchoke },
  { type: MessageType.Request, index: 3 },
  { type: MessageType.Piece, index: 3, data: pieceData },
  { type: MessageType.Have, index: 3 },
  { type: MessageType.Piece, index: 4, data: Buffer.alloc(0) },
  { type: MessageType.NotInterested },
  { type: MessageType.Choke },
];
const STREAM = Buffer.concat([encodeHandshake(1001), ...MESSAGES.map(encodeMessage)]);

/**
 * A cheap exact fingerprint of a message list for the loops below (jest's deep
 * equality walks Buffers byte by byte, which is slow over thousands of splits).
 * The encoding is injective, so equal hex means equal messages.
 */
function reencode(messages: Message[]): string {
  return Buffer.concat(messages.map(encodeMessage)).toString('hex');
}
const MESSAGE_BYTES_HEX = reencode(MESSAGES);

/** What a connection does: push each chunk, then read the handshake once and drain every complete message. */
function readStream(chunks: Buffer[], reader = new FrameReader(limits)): { peerId?: number; messages: Message[] } {
  let peerId: number | undefined;
  const messages: Message[] = [];
  for (const chunk of chunks) {
    reader.push(chunk);
    if (peerId === undefined) peerId = reader.readHandshake();
    if (peerId === undefined) continue;
    for (let m = reader.readMessage(); m !== undefined; m = reader.readMessage()) messages.push(m);
  }
  expect(reader.bufferedBytes).toBe(0);
  return { peerId, messages };
}

describe('FrameReader splits', () => {
  test('the whole stream in one chunk', () => {
    expect(readStream([STREAM])).toEqual({ peerId: 1001, messages: MESSAGES });
  });

  test('two parts at every split index give the same handshake and messages', () => {
    for (let split = 0; split <= STREAM.length; split++) {
      const result = readStream([STREAM.subarray(0, split), STREAM.subarray(split)]);
      expect({ split, peerId: result.peerId, bytes: reencode(result.messages) }).toEqual({ split, peerId: 1001, bytes: MESSAGE_BYTES_HEX });
    }
  });

  test('byte by byte gives the same handshake and messages', () => {
    const chunks = Array.from(STREAM, (byte) => Buffer.from([byte]));
    expect(readStream(chunks)).toEqual({ peerId: 1001, messages: MESSAGES });
  });

  test('three parts at many split pairs', () => {
    for (let a = 0; a <= STREAM.length; a += 17) {
      for (let b = a; b <= STREAM.length; b += 29) {
        const result = readStream([STREAM.subarray(0, a), STREAM.subarray(a, b), STREAM.subarray(b)]);
        expect({ a, b, peerId: result.peerId, bytes: reencode(result.messages) }).toEqual({ a, b, peerId: 1001, bytes: MESSAGE_BYTES_HEX });
      }
    }
    expect(readStream([STREAM.subarray(0, 40), STREAM.subarray(40, 1000), STREAM.subarray(1000)])).toEqual({ peerId: 1001, messages: MESSAGES });
  });

  test('the handshake consumes exactly 32 bytes: a bitfield in the same segment stays queued', () => {
    const reader = new FrameReader(limits);
    reader.push(Buffer.concat([encodeHandshake(7), fromHex('00000002 05 ff')]));
    expect(reader.readHandshake()).toBe(7);
    expect(reader.bufferedBytes).toBe(6);
    expect(reader.readMessage()).toEqual({ type: MessageType.Bitfield, bits: Buffer.from([0xff]) });
    expect(reader.readMessage()).toBeUndefined();
  });

  test('reports nothing until a frame is complete, and counts buffered bytes', () => {
    const reader = new FrameReader(limits);
    expect(reader.readHandshake()).toBeUndefined();
    expect(reader.readMessage()).toBeUndefined();
    const frame = fromHex('00000005 04 00000005');
    for (let i = 0; i < frame.length - 1; i++) {
      reader.push(frame.subarray(i, i + 1));
      expect(reader.readMessage()).toBeUndefined();
      expect(reader.bufferedBytes).toBe(i + 1);
    }
    reader.push(frame.subarray(frame.length - 1));
    expect(reader.readMessage()).toEqual({ type: MessageType.Have, index: 5 });
    expect(reader.bufferedBytes).toBe(0);
  });

  test('empty chunks are harmless', () => {
    expect(readStream([Buffer.alloc(0), STREAM, Buffer.alloc(0)])).toEqual({ peerId: 1001, messages: MESSAGES });
  });
});

describe('FrameReader payload ownership', () => {
  test('payloads stay valid after more pushes and do not share memory with pushed chunks', () => {
    const reader = new FrameReader(limits);
    const frame = encodeMessage({ type: MessageType.Piece, index: 1, data: Buffer.from('payload') });
    reader.push(frame);
    const piece = reader.readMessage();
    const bitfieldFrame = encodeMessage({ type: MessageType.Bitfield, bits: Buffer.from([0xaa]) });
    reader.push(bitfieldFrame);
    const bitfield = reader.readMessage();
    frame.fill(0); // the pusher reuses its buffers
    bitfieldFrame.fill(0);
    reader.push(Buffer.alloc(500, 0x55));
    expect(piece).toEqual({ type: MessageType.Piece, index: 1, data: Buffer.from('payload') });
    expect(bitfield).toEqual({ type: MessageType.Bitfield, bits: Buffer.from([0xaa]) });
  });
});

describe('FrameReader errors', () => {
  function readerAfterHandshake(): FrameReader {
    const reader = new FrameReader(limits);
    reader.push(encodeHandshake(1002));
    expect(reader.readHandshake()).toBe(1002);
    return reader;
  }

  test('length 0 is empty-frame', () => {
    const reader = readerAfterHandshake();
    reader.push(fromHex('00000000'));
    expectProtocolError(() => reader.readMessage(), 'empty-frame');
  });

  test('an oversized length is frame-too-large with only the 4 prefix bytes pushed', () => {
    const reader = readerAfterHandshake();
    reader.push(Buffer.from([0, 0, (MAX + 1) >> 8, (MAX + 1) & 0xff]));
    expect(reader.bufferedBytes).toBe(4);
    const error = expectProtocolError(() => reader.readMessage(), 'frame-too-large');
    expect(error.detail).toEqual({ messageLength: MAX + 1, maxMessageLength: MAX });
  });

  test('a 4 GiB length prefix is rejected at once, not buffered for', () => {
    const reader = readerAfterHandshake();
    reader.push(fromHex('ff ff'));
    expect(reader.readMessage()).toBeUndefined();
    reader.push(fromHex('ff ff'));
    expectProtocolError(() => reader.readMessage(), 'frame-too-large');
  });

  test('the largest legal frame is accepted', () => {
    const reader = readerAfterHandshake();
    const data = Buffer.alloc(PIECE_SIZE, 1);
    reader.push(encodeMessage({ type: MessageType.Piece, index: 0, data }));
    expect(reader.readMessage()).toEqual({ type: MessageType.Piece, index: 0, data });
  });

  test.each([8, 255])('unknown type %d, as soon as the type byte is there', (type) => {
    const reader = readerAfterHandshake();
    reader.push(Buffer.from([0, 0, 0, 5, type]));
    expectProtocolError(() => reader.readMessage(), 'unknown-message-type');
  });

  test.each([
    ['choke', 0, 2],
    ['unchoke', 1, 3],
    ['interested', 2, 5],
    ['not interested', 3, 2],
    ['have', 4, 4],
    ['have', 4, 6],
    ['request', 6, 1],
    ['request', 6, 9],
    ['piece', 7, 4],
  ])('%s (type %d) with length field %d is bad-payload-length from the header alone', (_name, type, length) => {
    const reader = readerAfterHandshake();
    reader.push(Buffer.from([0, 0, 0, length, type]));
    expectProtocolError(() => reader.readMessage(), 'bad-payload-length');
  });

  test('buffer-overflow when a push would exceed the cap; the chunk is not queued', () => {
    const reader = new FrameReader({ maxMessageLength: 10, maxBufferedBytes: 20 });
    reader.push(Buffer.alloc(15));
    const error = expectProtocolError(() => reader.push(Buffer.alloc(6)), 'buffer-overflow');
    expect(error.detail).toEqual({ bufferedBytes: 15, chunkBytes: 6, maxBufferedBytes: 20 });
    expect(reader.bufferedBytes).toBe(15);
    reader.push(Buffer.alloc(5)); // exactly at the cap is fine
    expect(reader.bufferedBytes).toBe(20);
  });

  test('a bad handshake is rejected from its first wrong byte', () => {
    const reader = new FrameReader(limits);
    reader.push(Buffer.from('P2PX'));
    expectProtocolError(() => reader.readHandshake(), 'bad-handshake-header');
    const padding = new FrameReader(limits);
    padding.push(Buffer.concat([Buffer.from('P2PFILESHARINGPROJ'), Buffer.from([0, 0, 9])]));
    expectProtocolError(() => padding.readHandshake(), 'bad-handshake-padding');
  });

  test('the error is raised again if the reader is asked again', () => {
    const reader = readerAfterHandshake();
    reader.push(fromHex('00000000'));
    expectProtocolError(() => reader.readMessage(), 'empty-frame');
    expectProtocolError(() => reader.readMessage(), 'empty-frame');
  });

  test('limits that cannot hold one whole frame are a RangeError', () => {
    expect(() => new FrameReader({ maxMessageLength: 100, maxBufferedBytes: 103 })).toThrow(RangeError);
    expect(() => new FrameReader({ maxMessageLength: 0, maxBufferedBytes: 100 })).toThrow(RangeError);
    expect(() => new FrameReader({ maxMessageLength: 100, maxBufferedBytes: 104 })).not.toThrow();
  });
});

describe('FrameReader cost', () => {
  test('a 512 KiB piece arriving in 1-byte chunks, drained after each, is linear', () => {
    const pieceSize = 512 * 1024;
    const max = maxMessageLength(pieceSize);
    const reader = new FrameReader({ maxMessageLength: max, maxBufferedBytes: recommendedMaxBufferedBytes(max) });
    const data = Buffer.alloc(pieceSize, 0xab);
    const frame = encodeMessage({ type: MessageType.Piece, index: 1, data });
    const chunks = Array.from({ length: frame.length }, (_, i) => frame.subarray(i, i + 1));
    const started = process.hrtime.bigint();
    let received: Message | undefined;
    for (const chunk of chunks) {
      reader.push(chunk);
      received = reader.readMessage() ?? received;
    }
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect(received?.type === MessageType.Piece && received.index === 1 && received.data.equals(data)).toBe(true);
    // Re-concatenating per chunk would copy ~1.4e11 bytes here (tens of seconds); linear takes well under a second.
    expect(elapsedMs).toBeLessThan(2000);
  });
});

describe('FrameReader and the piece-buffer pool', () => {
  const BIG = 20_000;
  const bigLimits = { maxMessageLength: maxMessageLength(BIG), maxBufferedBytes: recommendedMaxBufferedBytes(maxMessageLength(BIG)) };

  test("a piece's frame is lent by the pool, so giving its data back lets the next piece reuse the memory", () => {
    const pool = new BufferPool(4);
    const reader = new FrameReader(bigLimits, pool);
    const data = Buffer.alloc(BIG, 9);
    reader.push(Buffer.concat([encodeMessage({ type: MessageType.Piece, index: 1, data }), encodeMessage({ type: MessageType.Piece, index: 2, data })]));
    const first = reader.readMessage();
    if (first?.type !== MessageType.Piece) throw new Error('expected a piece');
    expect(first.data.equals(data)).toBe(true);
    pool.release(first.data); // what PieceStore.writePiece does once the piece is on disk
    expect(pool.idleCount).toBe(1);
    const second = reader.readMessage();
    if (second?.type !== MessageType.Piece) throw new Error('expected a piece');
    expect(second.data.buffer).toBe(first.data.buffer);
    expect(second.index).toBe(2);
    expect(second.data.equals(data)).toBe(true);
  });

  test('other messages never come from the pool', () => {
    const pool = new BufferPool(4);
    const reader = new FrameReader(bigLimits, pool);
    reader.push(encodeMessage({ type: MessageType.Bitfield, bits: Buffer.alloc(20_000) }));
    const bitfield = reader.readMessage();
    if (bitfield?.type !== MessageType.Bitfield) throw new Error('expected a bitfield');
    pool.release(bitfield.bits);
    expect(pool.idleCount).toBe(0);
  });
});
