import { Bitfield } from '../../../src/core/Bitfield.js';
import type { RequestPlanner } from '../../../src/policy/blocks/RequestPlanner.js';
import { bits, evenGeometry, join, makePlanner, peer } from './plannerHelpers.js';

/** Asks `from` until nothing is left, each block arriving in the order asked and its (one-block) piece verified: the pieces in the order begun. */
function orderBegun(planner: RequestPlanner, from: ReturnType<typeof peer>): number[] {
  const order: number[] = [];
  for (let asked = planner.nextRequests(from); asked.length > 0; asked = planner.nextRequests(from)) {
    for (const block of asked) {
      planner.blockReceived(from.key, block);
      planner.pieceVerified(block.index);
      order.push(block.index);
    }
  }
  return order;
}

describe('RequestPlanner: pieces someone waits for come first (a file streamed while it downloads)', () => {
  test('prioritised pieces are begun first, in the order given, then the usual choice takes over', () => {
    const geometry = evenGeometry(10, 1);
    const { planner } = makePlanner(geometry, { randomFirstPieces: 0 });
    const seed = join(planner, 'seed', Bitfield.full(10));
    planner.prioritise([7, 8, 9, 3]);
    const order = orderBegun(planner, seed);
    expect(order.slice(0, 4)).toEqual([7, 8, 9, 3]);
    expect([...order].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('a prioritised piece the peer lacks is passed over for one it has; held pieces are dropped from the list', () => {
    const geometry = evenGeometry(6, 1);
    const { planner } = makePlanner(geometry, { randomFirstPieces: 0 });
    planner.held(4);
    const partial = join(planner, 'partial', bits(6, [1, 2, 4, 5]));
    planner.prioritise([4, 0, 5, 1]);
    expect(orderBegun(planner, partial).slice(0, 2)).toEqual([5, 1]);
  });

  test('a new list replaces the old one, and [] ends the priority', () => {
    const geometry = evenGeometry(6, 1);
    const { planner } = makePlanner(geometry, { randomFirstPieces: 0 });
    const seed = join(planner, 'seed', Bitfield.full(6));
    planner.prioritise([5]);
    planner.prioritise([2]);
    expect(orderBegun(planner, seed)[0]).toBe(2);
  });
});

describe('RequestPlanner: file priorities as piece ranks', () => {
  test('high pieces first, then normal, then low; skipped ones never', () => {
    const geometry = evenGeometry(8, 1);
    const { planner } = makePlanner(geometry, { randomFirstPieces: 0 });
    const seed = join(planner, 'seed', Bitfield.full(8));
    planner.rank([2, 0, 1, 3, 2, 0, 3, 1]);
    const order = orderBegun(planner, seed);
    expect(order.slice(0, 2).sort()).toEqual([3, 6]);
    expect(order.slice(2, 4).sort()).toEqual([0, 4]);
    expect(order.slice(4).sort()).toEqual([2, 7]);
  });

  test('a peer without the higher ranks\' pieces is asked for lower ones; ranks all alike is no ranking; prioritised pieces go before any rank', () => {
    const geometry = evenGeometry(4, 1);
    const { planner } = makePlanner(geometry, { randomFirstPieces: 0 });
    const partial = join(planner, 'partial', bits(4, [2, 3]));
    planner.rank([3, 3, 1, 0]);
    expect(orderBegun(planner, partial)).toEqual([2]);
    planner.rank([2, 2, 2, 2]);
    const seed = join(planner, 'seed', Bitfield.full(4));
    planner.prioritise([3]);
    const rest = orderBegun(planner, seed);
    expect(rest[0]).toBe(3);
    expect(rest.slice(1).sort()).toEqual([0, 1]);
  });
});
