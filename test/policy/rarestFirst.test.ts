import { seededRandom } from '../../src/common/Random.js';
import { chooseRarestPiece } from '../../src/policy/pieceChoice.js';
import { RequestManager } from '../../src/policy/RequestManager.js';
import { Bitfield } from '../../src/core/Bitfield.js';

function bits(pieceCount: number, held: Iterable<number>): Bitfield {
  const out = new Bitfield(pieceCount);
  for (const index of held) out.set(index);
  return out;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('chooseRarestPiece', () => {
  test('picks a piece the fewest neighbours have, never one we hold or one requested', () => {
    const availability = [3, 1, 2, 1, 5, 1];
    const choose = chooseRarestPiece(() => availability);
    const theirs = Bitfield.full(6);
    const ours = bits(6, [3]);
    const requested = bits(6, [5]);
    for (let seed = 1; seed <= 40; seed++) {
      expect(choose(theirs, ours, requested, seededRandom(seed))).toBe(1);
    }
  });

  test('ties fall at random', () => {
    const choose = chooseRarestPiece((n) => new Array<number>(n).fill(2));
    const seen = new Set<number | undefined>();
    for (let seed = 1; seed <= 60; seed++) seen.add(choose(Bitfield.full(8), bits(8, [0]), new Bitfield(8), seededRandom(seed)));
    expect(seen.size).toBeGreaterThanOrEqual(5);
    expect(seen.has(0)).toBe(false);
  });

  test('the first piece is random, whatever its rarity', () => {
    const choose = chooseRarestPiece((n) => Array.from({ length: n }, (_, i) => (i === 7 ? 1 : 9)));
    const seen = new Set<number | undefined>();
    for (let seed = 1; seed <= 60; seed++) seen.add(choose(Bitfield.full(8), new Bitfield(8), new Bitfield(8), seededRandom(seed)));
    expect(seen.size).toBeGreaterThanOrEqual(5);
  });

  test('nothing to ask: undefined', () => {
    const choose = chooseRarestPiece((n) => new Array<number>(n).fill(1));
    expect(choose(bits(8, [1, 2]), bits(8, [0, 1, 2]), new Bitfield(8), seededRandom(1))).toBeUndefined();
    expect(choose(bits(8, [3]), bits(8, [0]), bits(8, [3]), seededRandom(1))).toBeUndefined();
  });
});

describe('RequestManager with rarest-first', () => {
  const manager = (maxRequestsPerPeer?: number) => new RequestManager({ random: seededRandom(5), strategy: 'rarest-first', maxRequestsPerPeer });

  test('defaults to 8 requests in flight per neighbour; course stays at 1', () => {
    expect(manager().maxRequestsPerPeer).toBe(8);
    expect(new RequestManager({ random: seededRandom(1) }).maxRequestsPerPeer).toBe(1);
    expect(() => manager(0)).toThrow(RangeError);
  });

  test('fills the pipe with distinct pieces, rarest first', () => {
    const r = manager(4);
    const a = bits(16, range(16));
    const b = bits(16, [0, 1, 2, 3, 4, 5]);
    r.availability.addBitfield(a);
    r.availability.addBitfield(b);
    const ours = bits(16, [0]);
    const asked = r.nextRequests(1, a, ours);
    expect(asked).toHaveLength(4);
    expect(new Set(asked).size).toBe(4);
    // Pieces 6..15 are held by one neighbour only: rarer than 1..5.
    for (const index of asked) expect(index).toBeGreaterThanOrEqual(6);
    expect(r.nextRequests(1, a, ours)).toEqual([]); // the pipe is full
    expect(r.pieceReceived(1, asked[0])).toBe('expected');
    r.settled(asked[0]);
    ours.set(asked[0]);
    expect(r.nextRequests(1, a, ours)).toHaveLength(1);
  });

  test('availability follows haves and departures', () => {
    const r = manager();
    const a = bits(4, [0, 1]);
    r.availability.addBitfield(a);
    r.availability.addPiece(2, 4);
    expect([0, 1, 2, 3].map((i) => r.availability.of(i))).toEqual([1, 1, 1, 0]);
    r.availability.addBitfield(a, -1);
    expect([0, 1, 2, 3].map((i) => r.availability.of(i))).toEqual([0, 0, 1, 0]);
  });

  test('end game: only once every missing piece is requested, a second neighbour is asked; duplicates are accounted for', () => {
    const r = manager(2);
    const all = Bitfield.full(4);
    const ours = bits(4, [0]);
    // Neighbour 1 takes two of the three missing pieces; neighbour 2 takes the last one.
    const first = r.nextRequests(1, all, ours);
    expect(first).toHaveLength(2);
    const second = r.nextRequests(2, all, ours);
    expect(second).toHaveLength(2); // one fresh piece, then one end-game duplicate of neighbour 1's
    const fresh = [1, 2, 3].find((i) => !first.includes(i))!;
    expect(second).toContain(fresh);
    const duplicate = second.find((i) => i !== fresh)!;
    expect(first).toContain(duplicate);
    // A third neighbour doubles the two pieces that still have one requester; after that each has two.
    const third = r.nextRequests(3, all, ours);
    expect(third.sort()).toEqual([1, 2, 3].filter((i) => i !== duplicate).sort());
    expect(r.nextRequests(4, all, ours)).toEqual([]);
    // Both copies of the duplicated piece are expected answers, never 'unrequested'.
    expect(r.pieceReceived(1, duplicate)).toBe('expected');
    expect(r.pieceReceived(2, duplicate)).toBe('expected');
  });

  test('no end game in course mode: a piece is asked of one neighbour at a time', () => {
    const r = new RequestManager({ random: seededRandom(1) });
    const all = Bitfield.full(1);
    expect(r.nextRequests(1, all, new Bitfield(1))).toEqual([0]);
    expect(r.nextRequests(2, all, new Bitfield(1))).toEqual([]);
  });

  test('a choke releases every request in flight to that neighbour', () => {
    const r = manager(3);
    const all = Bitfield.full(10);
    const ours = bits(10, [0]);
    const asked = r.nextRequests(1, all, ours);
    expect(r.release(1).sort()).toEqual([...asked].sort());
    expect(asked.every((i) => !r.isRequested(i))).toBe(true);
    // Each may still arrive late, and is accepted as such.
    for (const index of asked) expect(r.pieceReceived(1, index)).toBe('late');
  });
});

describe('a pipeline counts the pieces still being written', () => {
  test('a piece that arrived keeps its place in the pipe until settled, so a slow disk holds requests back', () => {
    const r = new RequestManager({ random: seededRandom(2), strategy: 'rarest-first', maxRequestsPerPeer: 2 });
    const all = Bitfield.full(10);
    const ours = bits(10, [9]);
    const [a, b] = r.nextRequests(1, all, ours);
    expect(r.pieceReceived(1, a)).toBe('expected');
    expect(r.pieceReceived(1, b)).toBe('expected');
    expect(r.nextRequests(1, all, ours)).toEqual([]); // both still being written
    r.settled(a);
    ours.set(a);
    expect(r.nextRequests(1, all, ours)).toHaveLength(1);
    r.settled(b);
    ours.set(b);
    expect(r.nextRequests(1, all, ours)).toHaveLength(1);
    expect(r.nextRequests(2, all, ours)).toHaveLength(2); // another neighbour's pipe is its own
  });

  test("one request at a time (the course's rule): the next goes out once the piece arrives", () => {
    const r = new RequestManager({ random: seededRandom(2) });
    const all = Bitfield.full(10);
    const ours = bits(10, [9]);
    const [a] = r.nextRequests(1, all, ours);
    expect(r.pieceReceived(1, a)).toBe('expected');
    expect(r.nextRequests(1, all, ours)).toHaveLength(1);
  });
});
