import { seededRandom } from '../../../src/common/Random.js';
import { makePeerId, peerIdVersion } from '../../../src/wire/bt/index.js';

describe('our peer id', () => {
  test("is '-SL' + 4 version characters + '-', then 12 bytes of the injected random source", () => {
    const random = { next: () => 0.5 }; // every byte 128
    const peerId = makePeerId(random, '0100');
    expect(peerId.toString('hex')).toBe('2d534c303130302d' + '80'.repeat(12));
  });

  test('the same seed gives the same id; another seed another', () => {
    const a = makePeerId(seededRandom(7), '0100');
    expect(makePeerId(seededRandom(7), '0100')).toEqual(a);
    expect(makePeerId(seededRandom(8), '0100').subarray(8)).not.toEqual(a.subarray(8));
    expect(a.length).toBe(20);
  });

  test('random bytes cover 0 and 255', () => {
    expect(makePeerId({ next: () => 0 }, '0100')[19]).toBe(0);
    expect(makePeerId({ next: () => 0.9999999 }, '0100')[19]).toBe(255);
  });

  test.each(['010', '01000', '01-0', 'ab00'])('version %p is a RangeError', (version) => {
    expect(() => makePeerId(seededRandom(1), version)).toThrow(RangeError);
  });

  test.each([
    ['0.1.0', '0100'],
    ['1.2.3', '1230'],
    ['2.10.35', '2AZ0'],
    ['0.1.0-beta.1', '0100'],
  ])('version %s is %s in the peer id', (version, digits) => {
    expect(peerIdVersion(version)).toBe(digits);
  });

  test.each(['1.36.0', '1.2', 'x'])('version %s cannot be put in a peer id', (version) => {
    expect(() => peerIdVersion(version)).toThrow(RangeError);
  });
});
