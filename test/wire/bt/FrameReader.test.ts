import { BufferPool } from '../../../src/wire/BufferPool.js';
import { BtFrameReader, BtMessage, btDialect, btFrameLimits, encodeBtHandshake, encodeBtMessage } from '../../../src/wire/bt/index.js';
import { expectProtocolError, fromHex } from '../helpers.js';

const PIECE_COUNT = 10;
const geometry = { pieceCount: PIECE_COUNT, pieceLength: (index: number) => (index === 9 ? 1000 : 32768) };
const infoHash = Buffer.alloc(20, 0xab);
const peerId = Buffer.from('-SL0100-abcdefghijkl');
/** A full-size block; the split tests use a short one so that thousands of splits stay fast. */
const block = Buffer.from(Array.from({ length: 16384 }, (_, i) => (i * 31 + 7) & 0xff));
const shortBlock = block.subarray(0, 300);

const MESSAGES: BtMessage[] = [
  { kind: 'extended', id: 0, payload: Buffer.from('d1:md11:ut_metadatai3eee') },
  { kind: 'bitfield', bits: Buffer.from([0xff, 0x40]) },
  { kind: 'keep-alive' },
  { kind: 'interested' },
  { kind: 'unchoke' },
  { kind: 'allowed-fast', index: 4 },
  { kind: 'request', index: 3, begin: 16384, length: 16384 },
  { kind: 'piece', index: 3, begin: 16384, data: shortBlock },
  { kind: 'have', index: 3 },
  { kind: 'keep-alive' },
  { kind: 'reject', index: 9, begin: 0, length: 1000 },
  { kind: 'port', port: 6881 },
  { kind: 'have-none' },
  { kind: 'choke' },
];
const STREAM = Buffer.concat([encodeBtHandshake({ capabilities: { extended: true, fast: true, dht: false }, infoHash, peerId }), ...MESSAGES.map(encodeBtMessage)]);

/** Exact and much faster than deep equality over thousands of splits: the encoding is injective. */
function reencode(messages: BtMessage[]): string {
  return Buffer.concat(messages.map(encodeBtMessage)).toString('hex');
}
const MESSAGES_HEX = reencode(MESSAGES);

type Read = { infoHash?: string; peerId?: string; messages: BtMessage[] };

/** What a listening connection does: push, read the head (route it), then the peer id, then drain every message. */
function readStream(chunks: Buffer[], reader = btDialect.newReader(geometry)): Read {
  const read: Read = { messages: [] };
  for (const chunk of chunks) {
    reader.push(chunk);
    if (read.infoHash === undefined) read.infoHash = reader.readHandshakeHead()?.infoHash.toString('hex');
    if (read.infoHash === undefined) continue;
    if (read.peerId === undefined) read.peerId = reader.readPeerId()?.toString();
    if (read.peerId === undefined) continue;
    for (let m = reader.readMessage(); m !== undefined; m = reader.readMessage()) read.messages.push(m);
  }
  expect(reader.bufferedBytes).toBe(0);
  return read;
}
const EXPECTED = { infoHash: infoHash.toString('hex'), peerId: peerId.toString() };

describe('BtFrameReader splits', () => {
  test('the whole stream in one chunk', () => {
    expect(readStream([STREAM])).toEqual({ ...EXPECTED, messages: MESSAGES });
  });

  test('two parts at every split index give the same handshake and messages', () => {
    for (let split = 0; split <= STREAM.length; split++) {
      const read = readStream([STREAM.subarray(0, split), STREAM.subarray(split)]);
      expect({ split, infoHash: read.infoHash, peerId: read.peerId, hex: reencode(read.messages) }).toEqual({ split, ...EXPECTED, hex: MESSAGES_HEX });
    }
  });

  test('byte by byte gives the same handshake and messages', () => {
    expect(readStream(Array.from(STREAM, (byte) => Buffer.from([byte])))).toEqual({ ...EXPECTED, messages: MESSAGES });
  });

  test('three parts at many split pairs', () => {
    for (let a = 0; a <= STREAM.length; a += 7) {
      for (let b = a; b <= STREAM.length; b += 11) {
        const read = readStream([STREAM.subarray(0, a), STREAM.subarray(a, b), STREAM.subarray(b)]);
        expect({ a, b, hex: reencode(read.messages) }).toEqual({ a, b, hex: MESSAGES_HEX });
      }
    }
  });

  test('a whole 16 KiB block, byte by byte', () => {
    const frame = encodeBtMessage({ kind: 'piece', index: 0, begin: 16384, data: block });
    const reader = new BtFrameReader(PIECE_COUNT);
    let read: BtMessage | undefined;
    for (let i = 0; i < frame.length; i++) {
      reader.push(frame.subarray(i, i + 1));
      read = reader.readMessage() ?? read;
    }
    expect(read?.kind === 'piece' && read.begin === 16384 && read.data.equals(block)).toBe(true);
  });

  test('a keep-alive alone is read as soon as its 4 bytes are there', () => {
    const reader = new BtFrameReader(PIECE_COUNT);
    reader.push(fromHex('000000'));
    expect(reader.readMessage()).toBeUndefined();
    reader.push(fromHex('00'));
    expect(reader.readMessage()).toEqual({ kind: 'keep-alive' });
    expect(reader.bufferedBytes).toBe(0);
  });
});

describe('BtFrameReader limits come from the dialect', () => {
  test('for a torrent: its largest message and one socket chunk more', () => {
    expect(btFrameLimits(PIECE_COUNT)).toEqual({ maxMessageLength: 17410, maxBufferedBytes: 17410 + 4 + 65536 });
  });

  test('a 4 GiB length prefix is refused at once, not buffered for', () => {
    const reader = btDialect.newReader(geometry);
    reader.push(fromHex('ff ff'));
    expect(reader.readMessage()).toBeUndefined();
    reader.push(fromHex('ff ff'));
    expectProtocolError(() => reader.readMessage(), 'frame-too-large');
  });

  test('a piece frame over 16 KiB + 13 bytes is refused from its header, with 5 bytes buffered', () => {
    const reader = btDialect.newReader(geometry);
    reader.push(fromHex('0000400a 07')); // 16394 = 1 + 8 + 16385
    expectProtocolError(() => reader.readMessage(), 'frame-too-large');
    expect(reader.bufferedBytes).toBe(5);
  });

  test('a bitfield of the wrong size is refused from its header', () => {
    const reader = btDialect.newReader(geometry);
    reader.push(fromHex('00000004 05'));
    expectProtocolError(() => reader.readMessage(), 'bad-bitfield-length');
  });

  test('a push past the cap is buffer-overflow and is not queued', () => {
    const reader = new BtFrameReader(PIECE_COUNT, { maxMessageLength: 17410, maxBufferedBytes: 17414 });
    reader.push(Buffer.alloc(17000));
    expectProtocolError(() => reader.push(Buffer.alloc(415)), 'buffer-overflow');
    expect(reader.bufferedBytes).toBe(17000);
  });

  test('the dialect names itself, encodes and checks', () => {
    expect(btDialect.name).toBe('bt');
    expect(btDialect.encodeMessage({ kind: 'have-all' }).toString('hex')).toBe('000000010e');
    expect(btDialect.checkMessage({ kind: 'have', index: 10 }, geometry)?.code).toBe('index-out-of-range');
  });
});

describe('BtFrameReader and the buffer pool', () => {
  test("a piece's frame is lent by the pool; other messages never are", () => {
    const pool = new BufferPool(4);
    const reader = new BtFrameReader(PIECE_COUNT, undefined, pool);
    reader.push(encodeBtMessage({ kind: 'piece', index: 0, begin: 0, data: block }));
    const piece = reader.readMessage();
    if (piece?.kind !== 'piece') throw new Error('expected a piece');
    expect(piece.data.equals(block)).toBe(true);
    pool.release(piece.data);
    expect(pool.idleCount).toBe(1);
    reader.push(encodeBtMessage({ kind: 'extended', id: 1, payload: Buffer.alloc(17000) }));
    const extended = reader.readMessage();
    if (extended?.kind !== 'extended') throw new Error('expected an extended message');
    pool.release(extended.payload);
    expect(pool.idleCount).toBe(1);
  });
});
