import fc from 'fast-check';
import { BtFrameReader, BtMessage, encodeBtHandshake, encodeBtMessage } from '../../../src/wire/bt/index.js';
import { FrameReaderLimits, ProtocolError } from '../../../src/wire/index.js';
import { plausibleFrame } from '../arbitraries.js';
import { btMessage } from './arbitraries.js';

const PIECE_COUNT = 20; // a 3-byte bitfield
const MAX = 1 + 8 + 60; // small, so that random lengths often land both under and over it
const LIMITS: FrameReaderLimits = { maxMessageLength: MAX, maxBufferedBytes: 4 * (MAX + 4) };
/** The smallest legal cap, so that random chunks can also overflow it. */
const TIGHT_LIMITS: FrameReaderLimits = { maxMessageLength: MAX, maxBufferedBytes: MAX + 4 };
const HANDSHAKE = encodeBtHandshake({ capabilities: { extended: true, fast: true, dht: true }, infoHash: Buffer.alloc(20, 1), peerId: Buffer.alloc(20, 2) });

type Outcome = { messages: BtMessage[]; error?: ProtocolError };

/**
 * Pushes every chunk, reading the handshake first unless `afterHandshake`, and
 * drains; anything thrown other than a ProtocolError escapes and fails the
 * property, and so does a reader that holds more than its cap.
 */
function feed(chunks: Uint8Array[], limits: FrameReaderLimits, afterHandshake = true): Outcome {
  const reader = new BtFrameReader(PIECE_COUNT, limits);
  let handshook = false;
  if (afterHandshake) {
    reader.push(HANDSHAKE);
    handshook = reader.readHandshakeHead() !== undefined && reader.readPeerId() !== undefined;
  }
  const messages: BtMessage[] = [];
  try {
    for (const chunk of chunks) {
      reader.push(Buffer.from(chunk));
      expect(reader.bufferedBytes).toBeLessThanOrEqual(limits.maxBufferedBytes);
      if (!handshook) handshook = reader.readHandshakeHead() !== undefined && reader.readPeerId() !== undefined;
      if (!handshook) continue;
      for (let m = reader.readMessage(); m !== undefined; m = reader.readMessage()) messages.push(m);
    }
  } catch (error) {
    if (error instanceof ProtocolError) return { messages, error };
    throw error;
  }
  return { messages };
}

/** BitTorrent frames: every id up to extended (20) and a few past it. */
const btFrame = plausibleFrame(16, fc.integer({ min: 0, max: 23 }));

const chunks = fc.array(fc.uint8Array({ maxLength: 100, size: 'max' }), { maxLength: 8 });

describe('BtFrameReader fuzz (seed 42)', () => {
  test('arbitrary byte chunks after a handshake give messages or a ProtocolError, never buffering past the cap', () => {
    const codesSeen = new Set<string>();
    fc.assert(
      fc.property(chunks, (input) => {
        const outcome = feed(input, TIGHT_LIMITS);
        if (outcome.error) codesSeen.add(outcome.error.code);
      }),
      { seed: 42, numRuns: 3000 },
    );
    expect(codesSeen.has('frame-too-large')).toBe(true);
    expect(codesSeen.has('buffer-overflow')).toBe(true);
  });

  test('arbitrary bytes as a handshake: refused with a ProtocolError, never anything else', () => {
    const codesSeen = new Set<string>();
    const startsRight = fc.tuple(fc.integer({ min: 0, max: 20 }), chunks).map(([keep, rest]) => [HANDSHAKE.subarray(0, keep), ...rest]);
    fc.assert(
      fc.property(fc.oneof(chunks, startsRight), (input) => {
        const outcome = feed(input, LIMITS, false);
        if (outcome.error) codesSeen.add(outcome.error.code);
      }),
      { seed: 42, numRuns: 2000 },
    );
    expect(codesSeen.has('bad-protocol-string')).toBe(true);
  });

  test('plausible frames, re-chunked at random: every decoded message re-encodes to the bytes it came from', () => {
    const codesSeen = new Set<string>();
    const kindsSeen = new Set<string>();
    fc.assert(
      fc.property(fc.array(btFrame, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), (frames, cuts) => {
        const stream = Buffer.concat(frames);
        const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...points].map((start, i) => stream.subarray(start, [...points, stream.length][i]));
        const outcome = feed(pieces, LIMITS);
        if (outcome.error) codesSeen.add(outcome.error.code);
        for (const m of outcome.messages) kindsSeen.add(m.kind);
        const decoded = Buffer.concat(outcome.messages.map(encodeBtMessage));
        expect(decoded.equals(stream.subarray(0, decoded.length))).toBe(true);
        if (outcome.error === undefined) expect(decoded.length).toBe(stream.length);
      }),
      { seed: 42, numRuns: 3000 },
    );
    // The generator is only useful if it reaches every framing branch and every kind.
    expect([...codesSeen].sort()).toEqual(['bad-bitfield-length', 'bad-payload-length', 'unknown-message-type']);
    expect(kindsSeen.size).toBe(17);
  });

  test('valid messages followed by garbage: the valid ones all come out first', () => {
    fc.assert(
      fc.property(fc.array(btMessage(3, 40), { maxLength: 6 }), fc.uint8Array({ maxLength: 40 }), (messages, garbage) => {
        const valid = Buffer.concat(messages.map(encodeBtMessage));
        const outcome = feed([valid, garbage], LIMITS);
        const firstOut = Buffer.concat(outcome.messages.slice(0, messages.length).map(encodeBtMessage));
        expect(firstOut.equals(valid)).toBe(true);
      }),
      { seed: 42, numRuns: 1000 },
    );
  });
});
