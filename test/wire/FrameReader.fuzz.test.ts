import fc from 'fast-check';
import { FrameReader, Message, ProtocolError, encodeHandshake, encodeMessage } from '../../src/wire/index.js';
import { message, plausibleFrame } from './arbitraries.js';

const MAX = 1 + 4 + 64; // small, so that random lengths often land both under and over it
const LIMITS = { maxMessageLength: MAX, maxBufferedBytes: 4 * (MAX + 4) };
/** The smallest legal cap, so that random chunks can also overflow it. */
const TIGHT_LIMITS = { maxMessageLength: MAX, maxBufferedBytes: MAX + 4 };

type Outcome = { messages: Message[]; error?: ProtocolError };

/** Pushes every chunk after a valid handshake and drains; anything thrown other than a ProtocolError escapes and fails the property. */
function feed(chunks: Uint8Array[], limits = LIMITS): Outcome {
  const reader = new FrameReader(limits);
  reader.push(encodeHandshake(1001));
  if (reader.readHandshake() !== 1001) throw new Error('handshake lost');
  const messages: Message[] = [];
  try {
    for (const chunk of chunks) {
      reader.push(Buffer.from(chunk));
      for (let m = reader.readMessage(); m !== undefined; m = reader.readMessage()) messages.push(m);
    }
  } catch (error) {
    if (error instanceof ProtocolError) return { messages, error };
    throw error;
  }
  return { messages };
}

/** Course frames: mostly known types, sometimes 8 or 9. */
const courseFrame = plausibleFrame(12, fc.integer({ min: 0, max: 255 }).map((type) => type % 10));

const RUNS = { seed: 42, numRuns: 3000 };
const FEWER_RUNS = { seed: 42, numRuns: 1000 };

describe('FrameReader fuzz (seed 42)', () => {
  test('arbitrary byte chunks give messages or a ProtocolError, never another exception', () => {
    const codesSeen = new Set<string>();
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 100, size: 'max' }), { maxLength: 8 }), (chunks) => {
        const outcome = feed(chunks, TIGHT_LIMITS);
        if (outcome.error) codesSeen.add(outcome.error.code);
      }),
      RUNS,
    );
    // Random prefixes are mostly huge lengths; the cap must catch them (and never a RangeError or the like).
    expect(codesSeen.has('frame-too-large')).toBe(true);
    expect(codesSeen.has('buffer-overflow')).toBe(true);
  });

  test('plausible frames, re-chunked at random: every decoded message re-encodes to the bytes it came from', () => {
    const codesSeen = new Set<string>();
    const typesSeen = new Set<number>();
    fc.assert(
      fc.property(fc.array(courseFrame, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), (frames, cuts) => {
        const stream = Buffer.concat(frames);
        const points = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((start, i) => stream.subarray(start, [...points, stream.length][i]));
        const outcome = feed(chunks);
        if (outcome.error) codesSeen.add(outcome.error.code);
        for (const m of outcome.messages) typesSeen.add(m.type);
        // The messages before any error are exactly a prefix of the input, frame for frame.
        const decoded = Buffer.concat(outcome.messages.map(encodeMessage));
        expect(decoded.equals(stream.subarray(0, decoded.length))).toBe(true);
        if (outcome.error === undefined) expect(decoded.length).toBe(stream.length);
      }),
      { seed: 42, numRuns: 2000 },
    );
    // The generator is only useful if it reaches every framing branch.
    expect([...codesSeen].sort()).toEqual(['bad-payload-length', 'empty-frame', 'unknown-message-type']);
    expect(typesSeen.size).toBe(8);
  });

  test('valid messages followed by garbage: the valid ones all come out first', () => {
    fc.assert(
      fc.property(fc.array(message(40), { maxLength: 6 }), fc.uint8Array({ maxLength: 40 }), (messages, garbage) => {
        const valid = Buffer.concat(messages.map(encodeMessage));
        const outcome = feed([valid, garbage]);
        // Compared as re-encoded bytes (exact, and much faster than deep equality on Buffers).
        const firstOut = Buffer.concat(outcome.messages.slice(0, messages.length).map(encodeMessage));
        expect(firstOut.equals(valid)).toBe(true);
      }),
      FEWER_RUNS,
    );
  });
});
