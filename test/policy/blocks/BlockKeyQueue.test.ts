import fc from 'fast-check';
import { BlockKeyQueue } from '../../../src/policy/blocks/BlockKeyQueue.js';

describe('BlockKeyQueue', () => {
  test('keys come out in the order added; one removed out of order leaves the others in place', () => {
    const queue = new BlockKeyQueue();
    for (const key of [7, 3, 9, 1]) queue.add(key);
    expect(queue.delete(9)).toBe(true);
    expect(queue.delete(9)).toBe(false);
    expect([queue.size, queue.has(3), queue.has(9)]).toEqual([3, true, false]);
    expect(queue.toArray()).toEqual([7, 3, 1]);
    queue.add(9);
    expect(queue.toArray()).toEqual([7, 3, 1, 9]);
  });

  test('used as a queue for far longer than its ring, it stays small and in order (answers in the order asked)', () => {
    const queue = new BlockKeyQueue();
    for (let key = 0; key < 250; key++) queue.add(key);
    let removed = 0;
    for (let key = 250; key < 100_000; key++) {
      if (queue.delete(key - 250)) removed++;
      queue.add(key);
    }
    expect([removed, queue.size]).toEqual([100_000 - 250, 250]);
    expect(queue.toArray()).toEqual(Array.from({ length: 250 }, (_, i) => 100_000 - 250 + i));
  });

  test('an old key never answered while newer ones come and go: the ring grows to hold them, nothing is lost', () => {
    const queue = new BlockKeyQueue();
    queue.add(0);
    for (let key = 1; key < 1000; key++) {
      queue.add(key);
      if (key % 3 !== 0) queue.delete(key);
    }
    expect(queue.toArray()).toEqual([0, ...Array.from({ length: 333 }, (_, i) => 3 * (i + 1))]);
    queue.clear();
    expect([queue.size, queue.toArray(), queue.has(0)]).toEqual([0, [], false]);
  });

  test('take() removes a key and gives back when it was added, also after the ring grew and moved its slots', () => {
    const queue = new BlockKeyQueue();
    for (let key = 0; key < 100; key++) queue.add(key, 1000 + key * 0.5);
    for (let key = 0; key < 100; key += 2) queue.delete(key); // holes, then a regrow compacts them
    for (let key = 100; key < 300; key++) queue.add(key, 1000 + key * 0.5);
    expect([queue.take(1), queue.take(99), queue.take(299), queue.take(1), queue.take(0)]).toEqual([1000.5, 1049.5, 1149.5, undefined, undefined]);
    expect(queue.size).toBe(50 - 2 + 200 - 1);
  });

  test('property: behaves as an insertion-ordered set of keys', () => {
    const operation = fc.oneof(
      fc.record({ add: fc.nat(40) }),
      fc.record({ remove: fc.nat(40) }),
      fc.constant({ clear: true as const }),
    );
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 300 }), (operations) => {
        const queue = new BlockKeyQueue();
        let model: number[] = [];
        for (const op of operations) {
          if ('add' in op) {
            if (model.includes(op.add)) continue; // the caller adds a key once
            queue.add(op.add);
            model.push(op.add);
          } else if ('remove' in op) {
            expect(queue.delete(op.remove)).toBe(model.includes(op.remove));
            model = model.filter((key) => key !== op.remove);
          } else {
            queue.clear();
            model = [];
          }
          expect(queue.size).toBe(model.length);
        }
        expect(queue.toArray()).toEqual(model);
        for (let key = 0; key <= 40; key++) expect(queue.has(key)).toBe(model.includes(key));
      }),
    );
  });
});
