import fc from 'fast-check';
import { seededRandom } from '../../src/common/Random.js';
import { ChokingManager, type ChokeDecision, type ChokeSnapshot } from '../../src/policy/ChokingManager.js';
import { sorted } from './chokingHelpers.js';

const peerIds = [1, 2, 3, 4, 5, 6, 7];

const snapshotArb: fc.Arbitrary<ChokeSnapshot> = fc.record({
  neighbours: fc
    .subarray(peerIds)
    .chain((ids) =>
      fc.tuple(...ids.map((peerId) => fc.record({ peerId: fc.constant(peerId), interested: fc.boolean(), bytesReceived: fc.nat(5) }))),
    ),
  haveCompleteFile: fc.boolean(),
});

type Op =
  | { kind: 'rechoke' | 'rotateOptimistic' | 'refresh'; snapshot: ChokeSnapshot }
  | { kind: 'remove'; peerId: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('rechoke' as const, 'rotateOptimistic' as const, 'refresh' as const), snapshot: snapshotArb }),
  fc.record({ kind: fc.constant('remove' as const), peerId: fc.constantFrom(...peerIds) }),
);

/**
 * Any sequence of operations, checked against a model of what each neighbour
 * has been told (the messages actually "sent"): the k+1 bound, unchoked ==
 * preferred ∪ {optimistic}, and every unchoke/choke list matching the
 * before/after states.
 */
test('invariants hold after any sequence of operations', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 3 }), fc.integer(), fc.boolean(), fc.array(opArb, { maxLength: 40 }), (k, seed, apart, ops) => {
      const m = new ChokingManager({ preferredCount: k, random: seededRandom(seed), optimisticApart: apart });
      /** Neighbours we have told 'unchoke' (and not 'choke' since), on live connections. */
      const told = new Set<number>();

      for (const op of ops) {
        const before = m.unchoked;
        if (op.kind === 'remove') {
          m.remove(op.peerId);
          told.delete(op.peerId); // the connection is gone
          expect(m.isUnchoked(op.peerId)).toBe(false);
        } else {
          const present = new Set(op.snapshot.neighbours.map((n) => n.peerId));
          for (const id of [...told]) if (!present.has(id)) told.delete(id);
          const preferredBefore = sorted(m.preferred);
          const decision: ChokeDecision = m[op.kind](op.snapshot);
          const after = m.unchoked;

          expect(decision.unchoke).toEqual(sorted([...after].filter((id) => !before.has(id))));
          expect(decision.choke).toEqual(sorted([...before].filter((id) => !after.has(id) && present.has(id))));
          for (const id of decision.unchoke) {
            expect(told.has(id)).toBe(false); // no 'unchoke' to one already unchoked
            expect(present.has(id)).toBe(true);
            told.add(id);
          }
          for (const id of decision.choke) {
            expect(told.has(id)).toBe(true); // only choke the unchoked
            told.delete(id);
          }
          expect(decision.preferred).toEqual(sorted(m.preferred));
          expect(decision.preferredChanged).toBe(JSON.stringify(preferredBefore) !== JSON.stringify(decision.preferred));
          expect(decision.optimistic).toBe(m.optimistic);
          // Apart, a neighbour dropped from the preferred set may become the optimistic one, staying unchoked.
          if (decision.optimisticChosen && !apart) expect(before.has(decision.optimistic!)).toBe(false);

          // Nobody gone stays unchoked; preferred only ever holds the interested after a preferred recompute/refresh.
          for (const id of after) expect(present.has(id)).toBe(true);
          if (op.kind !== 'rotateOptimistic') {
            const interested = new Set(op.snapshot.neighbours.filter((n) => n.interested).map((n) => n.peerId));
            for (const id of m.preferred) expect(interested.has(id)).toBe(true);
            // Apart, an optimistic neighbour inside the preferred set means nobody else was there to take its slot.
            if (apart && m.optimistic !== undefined && m.preferred.has(m.optimistic)) for (const id of interested) expect(after.has(id)).toBe(true);
            // Apart, a refresh leaves the optimistic slot only to an interested neighbour.
            if (apart && op.kind === 'refresh' && m.optimistic !== undefined) expect(interested.has(m.optimistic)).toBe(true);
          }
        }

        const unchoked = m.unchoked;
        expect(m.preferred.size).toBeLessThanOrEqual(k);
        expect(unchoked.size).toBeLessThanOrEqual(k + 1);
        const expected = new Set(m.preferred);
        if (m.optimistic !== undefined) expected.add(m.optimistic);
        expect(sorted(unchoked)).toEqual(sorted(expected));
        expect(sorted(told)).toEqual(sorted(unchoked));
      }
    }),
    { seed: 20240501, numRuns: 300 },
  );
});
