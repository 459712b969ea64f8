import { seededRandom } from '../../src/common/Random.js';
import { Bitfield } from '../../src/core/Bitfield.js';
import { RequestManager } from '../../src/policy/RequestManager.js';

function bits(pieceCount: number, held: readonly number[]): Bitfield {
  const out = new Bitfield(pieceCount);
  for (const index of held) out.set(index);
  return out;
}

function requests(seed = 1): RequestManager {
  return new RequestManager({ random: seededRandom(seed) });
}

describe('RequestManager.nextRequest', () => {
  test('one outstanding request per neighbour; the next only after the piece arrives', () => {
    const r = requests();
    const theirs = Bitfield.full(8);
    const ours = new Bitfield(8);
    const first = r.nextRequest(1, theirs, ours)!;
    expect(first).toBeDefined();
    expect(r.outstanding(1)).toEqual([first]);
    expect(r.nextRequest(1, theirs, ours)).toBeUndefined();
    expect(r.outstanding(1)).toEqual([first]);

    expect(r.pieceReceived(1, first)).toBe('expected');
    ours.set(first);
    expect(r.outstanding(1)).toEqual([]);
    const second = r.nextRequest(1, theirs, ours);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
  });

  test('one at a time: the next request goes out while a piece is being written, but not while two are', () => {
    const r = requests();
    const theirs = Bitfield.full(8);
    const ours = new Bitfield(8);
    const first = r.nextRequest(1, theirs, ours)!;
    expect(r.pieceReceived(1, first)).toBe('expected');
    const second = r.nextRequest(1, theirs, ours)!;
    expect(second).toBeDefined();
    expect(r.pieceReceived(1, second)).toBe('expected');
    // Both still on their way to the disk: a neighbour faster than it waits.
    expect(r.nextRequest(1, theirs, ours)).toBeUndefined();
    r.settled(first);
    ours.set(first);
    expect(r.nextRequest(1, theirs, ours)).toBeDefined();
  });

  test('never a piece we have, they lack, or already requested from anyone', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = requests(seed);
      const ours = bits(16, [0, 1, 2, 3]);
      const asked = new Set<number>();
      // Five neighbours with overlapping holdings ask in turn until nothing is left.
      const holdings = [[0, 1, 4, 5, 6], [1, 5, 6, 7, 8], [2, 8, 9, 10], [3, 10, 11, 12, 13], [4, 13, 14]];
      for (let round = 0; round < 20; round++) {
        holdings.forEach((held, peerId) => {
          const theirs = bits(16, held);
          const index = r.nextRequest(peerId, theirs, ours);
          if (index === undefined) return;
          expect(theirs.has(index)).toBe(true);
          expect(ours.has(index)).toBe(false);
          expect(asked.has(index)).toBe(false);
          asked.add(index);
          expect(r.pieceReceived(peerId, index)).toBe('expected');
          // Stored: from now on it is a piece we have, so it must never be asked again.
          ours.set(index);
          r.settled(index);
        });
      }
      expect([...asked].sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    }
  });

  test('a piece outstanding with one neighbour is not asked of another', () => {
    const r = requests();
    const ours = new Bitfield(4);
    const theirs = bits(4, [2]);
    expect(r.nextRequest(1, theirs, ours)).toBe(2);
    expect(r.isRequested(2)).toBe(true);
    expect(r.nextRequest(2, theirs, ours)).toBeUndefined();
  });

  const nothingToAsk: { name: string; theirs: number[]; ours: number[] }[] = [
    { name: 'they have nothing', theirs: [], ours: [] },
    { name: 'we have all they have', theirs: [0, 3], ours: [0, 1, 3] },
    { name: 'we are complete', theirs: [0, 1, 2, 3], ours: [0, 1, 2, 3] },
  ];
  test.each(nothingToAsk)('undefined when $name', ({ theirs, ours }) => {
    const r = requests();
    expect(r.nextRequest(1, bits(4, theirs), bits(4, ours))).toBeUndefined();
    expect(r.outstanding(1)).toEqual([]);
  });

  test('undefined when everything they have is requested from others', () => {
    const r = requests();
    const ours = new Bitfield(4);
    expect(r.nextRequest(1, bits(4, [0]), ours)).toBe(0);
    expect(r.nextRequest(2, bits(4, [1]), ours)).toBe(1);
    expect(r.nextRequest(3, bits(4, [0, 1]), ours)).toBeUndefined();
  });

  test('the choice is random: reproducible per seed, varied across seeds', () => {
    const theirs = Bitfield.full(10);
    const ours = bits(10, [0, 9]);
    const chosen = new Set<number>();
    for (let seed = 1; seed <= 100; seed++) {
      const index = requests(seed).nextRequest(1, theirs, ours)!;
      expect(requests(seed).nextRequest(1, theirs, ours)).toBe(index);
      chosen.add(index);
    }
    expect([...chosen].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('RequestManager: choke, late and unrequested pieces', () => {
  test('release on choke voids the request and frees the piece for another neighbour', () => {
    const r = requests();
    const ours = new Bitfield(4);
    const onlyPiece2 = bits(4, [2]);
    expect(r.nextRequest(1, onlyPiece2, ours)).toBe(2);

    expect(r.release(1)).toEqual([2]);
    expect(r.outstanding(1)).toEqual([]);
    expect(r.isRequested(2)).toBe(false);
    expect(r.release(1)).toEqual([]); // nothing left to release

    expect(r.nextRequest(2, onlyPiece2, ours)).toBe(2);
    expect(r.isRequested(2)).toBe(true);
  });

  test('a piece arriving after its request was voided is late; the new owner still expects it', () => {
    const r = requests();
    const ours = new Bitfield(4);
    r.nextRequest(1, bits(4, [2]), ours);
    r.release(1);
    r.nextRequest(2, bits(4, [2]), ours);

    expect(r.pieceReceived(1, 2)).toBe('late');
    expect(r.pieceReceived(1, 2)).toBe('unrequested'); // a second copy was never asked for
    expect(r.outstanding(2)).toEqual([2]);
    expect(r.pieceReceived(2, 2)).toBe('expected');
  });

  test('a voided piece asked again of the same neighbour: first copy expected, second late', () => {
    const r = requests();
    const ours = new Bitfield(4);
    const theirs = bits(4, [3]);
    r.nextRequest(1, theirs, ours);
    r.release(1);
    expect(r.nextRequest(1, theirs, ours)).toBe(3);
    expect(r.pieceReceived(1, 3)).toBe('expected');
    expect(r.pieceReceived(1, 3)).toBe('late');
  });

  const unrequested: { name: string; peerId: number; index: number }[] = [
    { name: 'from a neighbour never asked', peerId: 9, index: 0 },
    { name: 'another piece than the one asked', peerId: 1, index: 1 },
    { name: 'the piece asked of someone else', peerId: 2, index: 0 },
  ];
  test.each(unrequested)('unrequested: $name', ({ peerId, index }) => {
    const r = requests();
    expect(r.nextRequest(1, bits(4, [0]), new Bitfield(4))).toBe(0);
    expect(r.pieceReceived(peerId, index)).toBe('unrequested');
    expect(r.outstanding(1)).toEqual([0]); // untouched
  });

  test('forget releases the request and drops the voided marks', () => {
    const r = requests();
    const ours = new Bitfield(4);
    r.nextRequest(1, bits(4, [0]), ours);
    r.release(1);
    r.nextRequest(1, bits(4, [1]), ours);

    r.forget(1);
    expect(r.outstanding(1)).toEqual([]);
    expect(r.isRequested(1)).toBe(false);
    expect(r.pieceReceived(1, 0)).toBe('unrequested');
    expect(r.pieceReceived(1, 1)).toBe('unrequested');
    expect(r.nextRequest(2, bits(4, [1]), ours)).toBe(1);
  });

  test('an injected piece chooser is used', () => {
    const r = new RequestManager({ random: seededRandom(1), choosePiece: () => 3 });
    expect(r.nextRequest(1, Bitfield.full(4), new Bitfield(4))).toBe(3);
  });
});

describe('RequestManager.settled', () => {
  test('a piece that arrived is not asked of anyone until it is stored or dropped', () => {
    const r = requests();
    const theirs = bits(2, [0]);
    const ours = new Bitfield(2);
    expect(r.nextRequest(1, theirs, ours)).toBe(0);
    expect(r.pieceReceived(1, 0)).toBe('expected');
    // The write is still in flight: ours does not show piece 0 yet.
    expect(r.isRequested(0)).toBe(true);
    expect(r.nextRequest(1, theirs, ours)).toBeUndefined();
    expect(r.nextRequest(2, theirs, ours)).toBeUndefined();
    r.settled(0);
    expect(r.isRequested(0)).toBe(false);
    // Dropped (not stored): it may be asked again.
    expect(r.nextRequest(2, theirs, ours)).toBe(0);
  });

  test('a late piece also counts as arriving until settled', () => {
    const r = requests();
    const theirs = bits(1, [0]);
    const ours = new Bitfield(1);
    expect(r.nextRequest(1, theirs, ours)).toBe(0);
    expect(r.release(1)).toEqual([0]);
    expect(r.pieceReceived(1, 0)).toBe('late');
    expect(r.nextRequest(2, theirs, ours)).toBeUndefined();
    r.settled(0);
    expect(r.nextRequest(2, theirs, ours)).toBe(0);
  });
});

describe('RequestManager: every copy of a repeated request is accounted for', () => {
  test('two requests for one piece voided by two chokes: both answers are accepted, a third copy is unrequested', () => {
    const r = requests();
    const theirs = bits(1, [0]);
    const ours = new Bitfield(1);
    expect(r.nextRequest(1, theirs, ours)).toBe(0);
    r.release(1);
    expect(r.nextRequest(1, theirs, ours)).toBe(0);
    r.release(1);
    expect(r.pieceReceived(1, 0)).toBe('late');
    expect(r.pieceReceived(1, 0)).toBe('late');
    expect(r.pieceReceived(1, 0)).toBe('unrequested');
  });

  test('a dropped duplicate settling does not clear the mark of the copy still being written', () => {
    const r = requests();
    const theirs = bits(1, [0]);
    const ours = new Bitfield(1);
    expect(r.nextRequest(1, theirs, ours)).toBe(0);
    r.release(1);
    expect(r.nextRequest(1, theirs, ours)).toBe(0);
    expect(r.pieceReceived(1, 0)).toBe('expected');
    expect(r.pieceReceived(1, 0)).toBe('late');
    r.settled(0); // the duplicate, dropped
    expect(r.isRequested(0)).toBe(true);
    expect(r.nextRequest(2, theirs, ours)).toBeUndefined();
    r.settled(0); // the first copy, written (or failed)
    expect(r.isRequested(0)).toBe(false);
  });

  test('forget drops the unanswered requests: a later copy from that neighbour is unrequested', () => {
    const r = requests();
    expect(r.nextRequest(1, bits(1, [0]), new Bitfield(1))).toBe(0);
    r.forget(1);
    expect(r.pieceReceived(1, 0)).toBe('unrequested');
  });
});
