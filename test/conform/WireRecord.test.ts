import { StreamParser, describeUnit } from '../../src/conform/WireRecord.js';
import { encodeMessage, maxMessageLength } from '../../src/wire/index.js';
import { PIECE_SIZE, bitfield, handshake, have, piece } from './recordings.js';

const stream = Buffer.concat([handshake(1002), encodeMessage(bitfield(0xe0)), encodeMessage(piece(0)), encodeMessage(have(2))]);

function parseInTwo(cut: number) {
  const parser = new StreamParser('peer', maxMessageLength(PIECE_SIZE));
  return [...parser.push(stream.subarray(0, cut), 1), ...parser.push(stream.subarray(cut), 2)];
}

describe('StreamParser', () => {
  test('cuts the handshake and the frames, with their offsets, wherever the stream is split', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const units = parseInTwo(cut);
      expect(units.map((u) => [u.kind, u.offset, u.bytes.length])).toEqual([
        ['handshake', 0, 32],
        ['message', 32, 6],
        ['message', 38, 13],
        ['message', 51, 9],
      ]);
    }
  });

  test('a unit is timed by the read that completed it', () => {
    expect(parseInTwo(33).map((u) => u.atMs)).toEqual([1, 2, 2, 2]);
  });

  test('the first 32 bytes are the handshake whatever they hold: the rules judge them', () => {
    const parser = new StreamParser('peer', maxMessageLength(PIECE_SIZE));
    const [unit] = parser.push(Buffer.alloc(32, 0x41), 0);
    expect(unit.kind).toBe('handshake');
  });

  test('a frame that does not decode ends the stream as malformed, with the error', () => {
    const parser = new StreamParser('peer', maxMessageLength(PIECE_SIZE));
    const units = parser.push(Buffer.concat([handshake(1002), Buffer.from([0, 0, 0, 1, 9]), encodeMessage(have(1))]), 5);
    expect(units.map((u) => u.kind)).toEqual(['handshake', 'malformed']);
    expect(describeUnit('seeder 1001', units[1])).toBe('seeder 1001, peer→us @32 +5ms: malformed (unknown message type 9 [unknown-message-type]) [00 00 00 01 09 00 00 00 05 04 00 00 00 01]');
    expect(parser.push(encodeMessage(have(2)), 6)).toEqual([]);
  });

  test('evidence shows at most 40 bytes of a large frame, and its size', () => {
    const parser = new StreamParser('us', maxMessageLength(64));
    const [, big] = parser.push(Buffer.concat([handshake(1001), encodeMessage(piece(0, Buffer.alloc(64, 1)))]), 3);
    expect(describeUnit('seeder 1001', big)).toMatch(/^seeder 1001, us→peer @32 \+3ms: piece 0 \(64 bytes\) \[00 00 00 45 07 00 00 00 00 01 (01 ){29}01 … 73 bytes\]$/);
  });
});
