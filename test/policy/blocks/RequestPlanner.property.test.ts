import fc from 'fast-check';
import { Bitfield } from '../../../src/core/Bitfield.js';
import type { BlockRef } from '../../../src/core/BlockRef.js';
import { BLOCK_LENGTH, BlockGeometry } from '../../../src/policy/blocks/BlockGeometry.js';
import type { PlannerPeer, RequestPlanner } from '../../../src/policy/blocks/RequestPlanner.js';
import { makePlanner } from './plannerHelpers.js';

/**
 * Random swarms driven through random events, checked against what a real
 * peer sees: the requests we sent it and it has not answered (a choke without
 * the fast extension answers them all; a cancel answers none).
 */
const peerArb = fc.record({
  has: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  fast: fc.boolean(),
  rateBytesPerSecond: fc.integer({ min: 0, max: 40 * BLOCK_LENGTH }),
  reqq: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
});

const eventArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('ask' as const), peer: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('deliver' as const), peer: fc.nat(), pick: fc.nat(), corrupt: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('choke' as const), peer: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unchoke' as const), peer: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), peer: fc.nat(), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('have' as const), peer: fc.nat(), piece: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 70_000 }) }) },
);

const swarmArb = fc.record({
  pieceLength: fc.integer({ min: 1, max: 4 * BLOCK_LENGTH }),
  pieces: fc.integer({ min: 1, max: 8 }),
  shortLast: fc.nat(),
  peers: fc.array(peerArb, { minLength: 1, maxLength: 4 }),
  events: fc.array(eventArb, { maxLength: 120 }),
  seed: fc.nat(),
});

interface SimPeer {
  view: PlannerPeer;
  fast: boolean;
  /** Our requests it has not answered, by block key. */
  unanswered: Map<number, BlockRef>;
}

class Swarm {
  constructor(
    readonly planner: RequestPlanner,
    readonly geometry: BlockGeometry,
    readonly peers: SimPeer[],
  ) {}

  ask(peer: SimPeer): number {
    const asked = this.planner.nextRequests(peer.view);
    if (peer.view.choking) expect(asked).toEqual([]);
    for (const block of asked) {
      const key = this.geometry.keyOf(block) as number;
      expect(peer.unanswered.has(key)).toBe(false); // never asked twice of the same peer
      expect(peer.view.has.has(block.index)).toBe(true);
      expect(this.planner.blocks.phaseOf(block.index)).toBe('downloading');
      peer.unanswered.set(key, block);
    }
    // Never past the depth when asking (it may shrink later, once a round trip is known: what was asked stays).
    if (asked.length > 0) expect(this.planner.outstanding(peer.view.key).length).toBeLessThanOrEqual(this.planner.depthOf(peer.view));
    return asked.length;
  }

  deliver(peer: SimPeer, pick: number, corrupt: boolean): boolean {
    const pending = [...peer.unanswered];
    if (pending.length === 0) return false;
    const [key, block] = pending[pick % pending.length];
    peer.unanswered.delete(key);
    const outcome = this.planner.blockReceived(peer.view.key, block);
    expect(outcome.arrival).not.toBe('unrequested');
    for (const cancel of outcome.cancels) expect(cancel.peer).not.toBe(peer.view.key);
    if (outcome.pieceComplete) {
      if (corrupt) this.planner.pieceFailed(block.index);
      else this.planner.pieceVerified(block.index);
    }
    return true;
  }

  checkInvariants(): void {
    for (const peer of this.peers) {
      const outstanding = this.planner.outstanding(peer.view.key);
      for (const block of outstanding) {
        expect(peer.unanswered.has(this.geometry.keyOf(block) as number)).toBe(true);
        const state = this.planner.blocks.stateOf(block);
        expect(state.kind === 'requested' && state.by.has(peer.view.key)).toBe(true);
      }
    }
  }
}

describe('RequestPlanner property: random swarms', () => {
  test('never the same block twice of a peer, never past the depth, and every piece complete once every block arrived', () => {
    fc.assert(
      fc.property(swarmArb, ({ pieceLength, pieces, shortLast, peers, events, seed }) => {
        const total = pieceLength * pieces - (shortLast % pieceLength);
        const geometry = new BlockGeometry(total, pieceLength);
        const pieceCount = geometry.pieceCount;
        const { planner, clock } = makePlanner(geometry, { seed });
        const sims: SimPeer[] = peers.map((p, i) => {
          const has = new Bitfield(pieceCount);
          p.has.slice(0, pieceCount).forEach((held, index) => held && has.set(index));
          planner.availability.addBitfield(has);
          const view = { key: `peer${i}`, has, choking: false, rateBytesPerSecond: p.rateBytesPerSecond, reqq: p.reqq };
          return { view, fast: p.fast, unanswered: new Map() };
        });
        const swarm = new Swarm(planner, geometry, sims);
        for (const event of events) {
          const peer = 'peer' in event ? sims[event.peer % sims.length] : undefined;
          if (event.kind === 'ask') swarm.ask(peer!);
          else if (event.kind === 'deliver') swarm.deliver(peer!, event.pick, event.corrupt);
          else if (event.kind === 'choke') {
            peer!.view = { ...peer!.view, choking: true };
            planner.choked(peer!.view.key, { fast: peer!.fast });
            if (!peer!.fast) peer!.unanswered.clear(); // BEP 3: the choke discards its queue
          } else if (event.kind === 'unchoke') peer!.view = { ...peer!.view, choking: false };
          else if (event.kind === 'reject' && peer!.fast && peer!.unanswered.size > 0) {
            const [key, block] = [...peer!.unanswered][event.pick % peer!.unanswered.size];
            peer!.unanswered.delete(key);
            expect(planner.rejected(peer!.view.key, block)).toBe(true);
          } else if (event.kind === 'have' && peer!.view.has.set(event.piece % pieceCount)) planner.availability.addPiece(event.piece % pieceCount, pieceCount);
          else if (event.kind === 'tick') {
            clock.advance(event.ms);
            planner.checkSnubs();
          }
          swarm.checkInvariants();
        }

        // The end: every peer gets every piece and unchokes us, and answers all it owes; no more corruption.
        for (const peer of sims) {
          for (let index = 0; index < pieceCount; index++) if (peer.view.has.set(index)) planner.availability.addPiece(index, pieceCount);
          peer.view = { ...peer.view, choking: false };
        }
        for (let round = 0; round < 10 * geometry.totalBlocks + 10; round++) {
          let progress = 0;
          for (const peer of sims) progress += swarm.ask(peer);
          for (const peer of sims) while (swarm.deliver(peer, 0, false)) progress++;
          swarm.checkInvariants();
          if (progress === 0) break;
        }
        expect(planner.blocks.verified.isComplete).toBe(true);
        expect(planner.blocks.isEndGame).toBe(false);
        for (const peer of sims) expect(planner.nextRequests(peer.view)).toEqual([]);
      }),
      { numRuns: 300, seed: 20261201 },
    );
  });
});
