import { bitfieldAfterHandshake, bitfieldLengthAndSpareBits, bitfieldNoneWhenEmpty } from '../../src/conform/bitfieldRules.js';
import { bitfield, connection, handshake, lateJoinerRun, leecherRun, seederRun, unchoke, type Step } from './recordings.js';

const seederWith = (...steps: Step[]) => seederRun({ connections: [connection([['peer', 1, handshake(1001)], ...steps], 'leecher 1002', 1002)] });
const leecherWith = (...steps: Step[]) => leecherRun({ connections: [connection([['peer', 1, handshake(1002)], ...steps])] });

describe('bitfield rules', () => {
  test('a seeder whose first message is its full bitfield of the right size passes', () => {
    const run = seederRun();
    expect(bitfieldAfterHandshake(run).verdict).toBe('pass');
    const judged = bitfieldLengthAndSpareBits(run);
    expect(judged.verdict).toBe('pass');
    expect(judged.evidence[0]).toBe('1 bytes for 3 pieces, spare bits zero: leecher 1002, peer→us @32 +1ms: bitfield (1 bytes) [00 00 00 02 05 e0]');
  });

  test('bitfield.after-handshake fails when a seeder sends something else first', () => {
    const judged = bitfieldAfterHandshake(seederWith(['peer', 2, unchoke], ['peer', 3, bitfield(0xe0)]));
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toMatch(/^the first message after the handshake is not a bitfield: leecher 1002, peer→us @32 \+2ms: unchoke/);
  });

  test('bitfield.after-handshake fails when a seeder sends nothing after its handshake; not shown for a leecher', () => {
    expect(bitfieldAfterHandshake(seederWith()).evidence).toEqual(['leecher 1002: nothing from the peer after its handshake']);
    expect(bitfieldAfterHandshake(leecherRun()).verdict).toBe('not-shown');
  });

  test('bitfield.length-and-spare-bits fails on a spare bit set and on a wrong length', () => {
    const spare = bitfieldLengthAndSpareBits(seederWith(['peer', 2, bitfield(0b1110_0100)]));
    expect(spare.verdict).toBe('fail');
    expect(spare.evidence[0]).toMatch(/^bitfield has spare bits set \(3 pieces\): leecher 1002, peer→us @32 \+2ms: bitfield \(1 bytes\) \[00 00 00 02 05 e4\]/);
    const long = bitfieldLengthAndSpareBits(seederWith(['peer', 2, bitfield(0xe0, 0x00)]));
    expect(long.evidence[0]).toMatch(/^bitfield of 2 bytes, expected 1 \(3 pieces\)/);
  });

  test('bitfield.length-and-spare-bits is not shown when no bitfield came', () => {
    expect(bitfieldLengthAndSpareBits(leecherRun()).verdict).toBe('not-shown');
  });

  test('bitfield.none-when-empty: nothing or an all-zero bitfield passes, a bit set fails', () => {
    expect(bitfieldNoneWhenEmpty(leecherRun()).verdict).toBe('pass');
    expect(bitfieldNoneWhenEmpty(leecherWith(['peer', 2, bitfield(0x00)])).evidence[0]).toMatch(/^an empty bitfield: /);
    const judged = bitfieldNoneWhenEmpty(leecherWith(['peer', 2, bitfield(0x80)]));
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toMatch(/^a bit set for piece 0, which the peer did not have: seeder 1001, peer→us @32 \+2ms: bitfield/);
    expect(bitfieldNoneWhenEmpty(seederRun()).verdict).toBe('not-shown');
  });

  test('bitfield.none-when-empty: on a connection opened later, a bitfield of the pieces we had given it by then passes', () => {
    const run = lateJoinerRun();
    const later = connection([['peer', 10, handshake(1003)], ['peer', 10, bitfield(0b1100_0000)]], 'later 1004', 1004);
    const early = connection([['peer', 6, handshake(1003)], ['peer', 6, bitfield(0b1100_0000)]], 'later 1004', 1004);
    expect(bitfieldNoneWhenEmpty({ ...run, connections: [run.connections[0], later] }).evidence[1]).toMatch(/^only the 2 pieces we had given it: later 1004/);
    expect(bitfieldNoneWhenEmpty({ ...run, connections: [run.connections[0], early] }).evidence[0]).toMatch(/^a bit set for piece 1, which the peer did not have: later 1004/);
  });
});
