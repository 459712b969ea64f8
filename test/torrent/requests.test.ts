/**
 * What the torrent asks of whom (BEP 3, 6, 10; bittorrent.md): requests
 * pipelined up to a queue depth that grows with the peer's rate, never past
 * its `reqq`; nothing asked of a peer that chokes us; a choke keeps the
 * requests with BEP 6 (a reject settles each) and releases them to others
 * without it; the end game and its cancels; a snubbing peer's requests given
 * to others. Raw peers over an in-memory transport; time is the torrent's
 * ManualClock.
 */
import { jest } from '@jest/globals';
import { SNUB_AFTER_MS } from '../../src/policy/blocks/RequestPlanner.js';
import { MIN_QUEUE_DEPTH } from '../../src/policy/blocks/queueDepth.js';
import type { BtMessage } from '../../src/wire/bt/index.js';
import type { RawBtPeer } from '../support/RawBtPeer.js';
import { RIG_BLOCK, TorrentRig, bitfieldOf, requested, seedOpening } from './torrentRig.js';

jest.setTimeout(10_000);
let rig: TorrentRig;
afterEach(() => rig?.stop());

const UNCHOKE: BtMessage = { kind: 'unchoke' };
const NO_FAST = { extended: true, fast: false, dht: false };

/** Waits until the torrent stops asking `peer` (its queue is as deep as it goes now); returns the requests unanswered. */
async function queueOf(peer: RawBtPeer): Promise<number> {
  await rig.sync(peer);
  await rig.settle();
  return rig.unanswered(peer);
}

/** `peer` answers everything asked, round after round, `rounds` times: the unanswered count before each round. */
async function servedRounds(peer: RawBtPeer, rounds: number): Promise<number[]> {
  const depths: number[] = [];
  for (let round = 0; round < rounds; round++) {
    depths.push(await queueOf(peer));
    rig.serve(peer);
  }
  return depths;
}

describe('pipelining', () => {
  test(`${MIN_QUEUE_DEPTH} requests at once to start with, not one at a time; more in flight as the peer's rate grows`, async () => {
    rig = new TorrentRig({ pieceCount: 40 });
    const seed = await rig.open('seed', { opening: [...seedOpening(), UNCHOKE] });
    const depths = await servedRounds(seed, 4);
    expect(depths[0]).toBe(MIN_QUEUE_DEPTH);
    for (let round = 1; round < depths.length; round++) expect(depths[round]).toBeGreaterThan(depths[round - 1]);
  });

  test("never more in flight than the peer's reqq (BEP 10)", async () => {
    rig = new TorrentRig({ pieceCount: 40 });
    const seed = await rig.open('seed with reqq 3', { opening: [...seedOpening(3), UNCHOKE] });
    expect(await servedRounds(seed, 6)).toEqual([2, 3, 3, 3, 3, 3]);
  });

  test('a queue is topped up in batches: once half of it is free (at most 16), not after every block', async () => {
    rig = new TorrentRig({ pieceCount: 40 });
    const seed = await rig.open('seed with reqq 8', { opening: [...seedOpening(8), UNCHOKE] });
    expect((await servedRounds(seed, 6)).slice(-2)).toEqual([8, 8]);
    expect(await queueOf(seed)).toBe(8); // the last round answered: filled again
    rig.serve(seed, 3);
    expect(await queueOf(seed)).toBe(5); // three free: under a batch of four, nothing asked
    rig.serve(seed, 1);
    expect(await queueOf(seed)).toBe(8); // four free: filled again
  });

  test('nothing is asked of a peer that chokes us, however long we wait; its unchoke starts the requests', async () => {
    rig = new TorrentRig({ pieceCount: 4 });
    const seed = await rig.open('choking seed', { opening: seedOpening() });
    await seed.nextOfKind('interested');
    rig.clock.advance(60_000);
    expect(await queueOf(seed)).toBe(0);
    seed.send(UNCHOKE);
    await seed.until(() => rig.unanswered(seed) === MIN_QUEUE_DEPTH, 'requests');
  });
});

describe('a choke while requests are in flight', () => {
  test('with BEP 6 they stay with the choking peer; each reject hands its block to another peer', async () => {
    rig = new TorrentRig({ pieceCount: 8 });
    const choking = await rig.open('choking peer', { opening: [...seedOpening(), UNCHOKE] });
    const asked = await choking.until(() => rig.unanswered(choking) === 2 && requested(choking), 'two requests');
    choking.send({ kind: 'choke' });
    await rig.sync(choking);
    const other = await rig.open('other seed', { opening: [...seedOpening(), UNCHOKE] });
    await other.until(() => rig.unanswered(other) === 2, 'two requests');
    expect(requested(other).filter((block) => asked.includes(block))).toEqual([]);

    const [index, begin] = asked[1].split('+').map(Number);
    choking.send({ kind: 'reject', index, begin, length: RIG_BLOCK });
    await rig.sync(choking);
    rig.serve(other, 1); // room in its queue: the rejected block goes there first (its piece is begun)
    await other.until(() => requested(other).length === 3, 'a third request');
    expect(requested(other)[2]).toBe(asked[1]);
    expect(requested(other)).not.toContain(asked[0]); // still the choking peer's
  });

  test('without BEP 6 they are released at once, to the next peer that unchokes us', async () => {
    rig = new TorrentRig({ pieceCount: 8 });
    const choking = await rig.open('choking peer', { opening: [bitfieldOf(8, [0, 1, 2, 3, 4, 5, 6, 7]), UNCHOKE], caps: NO_FAST });
    const asked = await choking.until(() => rig.unanswered(choking) === 2 && requested(choking), 'two requests');
    choking.send({ kind: 'choke' });
    await rig.sync(choking);
    const other = await rig.open('other seed', { opening: [...seedOpening(), UNCHOKE] });
    await other.until(() => rig.unanswered(other) === 2, 'two requests');
    expect(requested(other)).toEqual(asked);
  });
});

describe('the end game', () => {
  test('once every block is asked of someone, the rest are asked of other peers too; the first copy cancels the others', async () => {
    rig = new TorrentRig({ pieceCount: 3 });
    const fast = await rig.open('fast seed', { opening: [...seedOpening(), UNCHOKE] });
    await fast.until(() => rig.unanswered(fast) === 2, 'two requests');
    const slow = await rig.open('slow seed', { opening: [...seedOpening(), UNCHOKE] });
    await slow.until(() => rig.unanswered(slow) === 2, 'two requests');
    expect(requested(fast).filter((block) => requested(slow).includes(block))).toEqual([]);

    rig.serve(fast); // its first piece in: it is asked for the last piece nobody was asked for, not the slow peer's
    await fast.until(() => rig.unanswered(fast) >= 2, 'more requests');
    expect(requested(fast).slice(2, 4).filter((block) => requested(slow).includes(block))).toEqual([]);

    rig.serve(fast); // every block is now asked of someone: the slow peer's blocks are asked of the fast one too
    const slowBlocks = requested(slow);
    await fast.until(() => slowBlocks.every((block) => requested(fast).includes(block)), "the slow peer's blocks");
    rig.serve(fast);
    const cancels = await slow.until(() => slow.received('cancel').length === 2 && slow.received('cancel'), 'two cancels');
    expect(cancels.map((m) => `${m.index}+${m.begin}`).sort()).toEqual([...slowBlocks].sort());
    await fast.until(() => rig.data.bitfield.isComplete, 'the torrent complete');
  });
});

describe('snubbing', () => {
  test(`a peer that sends nothing for ${SNUB_AFTER_MS / 1000} s while we wait has its requests given to others`, async () => {
    rig = new TorrentRig({ pieceCount: 8 });
    const silent = await rig.open('silent seed', { opening: [...seedOpening(), UNCHOKE] });
    const asked = await silent.until(() => rig.unanswered(silent) === 2 && requested(silent), 'two requests');
    const other = await rig.open('other seed', { opening: seedOpening() });
    rig.clock.advance(SNUB_AFTER_MS - 2_000);
    expect(rig.diagnostics.entries.filter((e) => e.message.includes('snubbing'))).toEqual([]);
    rig.clock.advance(4_000);
    await rig.diagnostics.waitFor(`peer ${silent.address} is snubbing us: its requests go to others`);

    other.answerRequests((block) => rig.bytesOf(block));
    other.send(UNCHOKE);
    await other.until(() => asked.every((block) => requested(other).includes(block)), "the silent peer's blocks");
  });
});
