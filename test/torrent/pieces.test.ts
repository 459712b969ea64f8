/**
 * Which piece next, and who is told (BEP 3; libtorrent): the first 4 pieces at
 * random, then the rarest among the peers' bitfields and haves (a peer leaving
 * takes its pieces out of the count); a `have` to each peer lacking a piece
 * once the piece passed its hash check and is written, never before. Raw
 * peers over an in-memory transport; time is the torrent's ManualClock.
 */
import { jest } from '@jest/globals';
import { RANDOM_FIRST_PIECES } from '../../src/policy/blocks/RequestPlanner.js';
import type { BtMessage } from '../../src/wire/bt/index.js';
import { range } from '../support/fixtures.js';
import type { RawBtPeer } from '../support/RawBtPeer.js';
import { TorrentRig, bitfieldOf, seedOpening } from './torrentRig.js';

jest.setTimeout(10_000);
let rig: TorrentRig;
afterEach(() => rig?.stop());

const PIECES = 12;
const UNCHOKE: BtMessage = { kind: 'unchoke' };
/** Piece 9 is the rarest: the peers opened by `common` have every piece but it. */
const RARE = 9;
const ALL_BUT_RARE = range(0, PIECES).filter((index) => index !== RARE);

/** Peers holding every piece but RARE, told by a bitfield or by haves. */
async function common(count: number, how: 'bitfield' | 'haves'): Promise<RawBtPeer[]> {
  const peers: RawBtPeer[] = [];
  for (let n = 1; n <= count; n++) {
    const opening: BtMessage[] = how === 'bitfield' ? [bitfieldOf(PIECES, ALL_BUT_RARE)] : [{ kind: 'have-none' }, ...ALL_BUT_RARE.map((index): BtMessage => ({ kind: 'have', index }))];
    const peer = await rig.open(`common peer ${n}`, { opening });
    await rig.sync(peer);
    peers.push(peer);
  }
  return peers;
}

/** A seed that unchokes us: the piece of its first request. */
async function firstPieceAskedBy(label: string): Promise<number> {
  const seed = await rig.open(label, { opening: [...seedOpening(), UNCHOKE] });
  return (await seed.nextOfKind('request')).index;
}

describe('rarest first, once we hold the first pieces', () => {
  test.each(['bitfield', 'haves'] as const)('the piece fewest peers have, counted from their %s', async (how) => {
    rig = new TorrentRig({ pieceCount: PIECES, held: range(0, RANDOM_FIRST_PIECES) });
    await common(2, how);
    expect(await firstPieceAskedBy('seed')).toBe(RARE);
  });

  test('a peer that leaves no longer counts: the piece only it had is rarest again', async () => {
    rig = new TorrentRig({ pieceCount: PIECES, held: range(0, RANDOM_FIRST_PIECES) });
    await common(2, 'bitfield');
    const holders: RawBtPeer[] = [];
    for (let n = 1; n <= 3; n++) holders.push(await rig.open(`holder ${n} of piece ${RARE}`, { opening: [bitfieldOf(PIECES, [RARE])] }));
    expect(await firstPieceAskedBy('first seed')).not.toBe(RARE); // 9 is the most common now
    for (const holder of holders) {
      holder.destroy();
      await rig.ended(holder);
    }
    expect(await firstPieceAskedBy('second seed')).toBe(RARE);
  });
});

test(`the first ${RANDOM_FIRST_PIECES} pieces are chosen at random, not rarest first`, async () => {
  const firstPieces = async (held: number) => {
    const chosen: number[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      rig = new TorrentRig({ pieceCount: PIECES, held: range(0, held), seed });
      await common(2, 'bitfield');
      chosen.push(await firstPieceAskedBy('seed'));
      await rig.stop();
    }
    return chosen;
  };
  expect(await firstPieces(RANDOM_FIRST_PIECES)).toEqual(Array(6).fill(RARE));
  expect((await firstPieces(RANDOM_FIRST_PIECES - 1)).filter((index) => index !== RARE).length).toBeGreaterThan(0);
});

describe('have', () => {
  test('goes to each peer lacking the piece once it passed its hash check and is written; never for a piece that failed', async () => {
    rig = new TorrentRig({ pieceCount: 4 });
    const source = await rig.open('source of piece 2', { opening: [bitfieldOf(4, [2]), UNCHOKE] });
    const lacking = await rig.open('peer lacking it', { opening: [{ kind: 'have-none' }] });
    const holding = await rig.open('peer holding it', { opening: [bitfieldOf(4, [2, 3])] });
    await source.until(() => rig.unanswered(source) === 2, 'both blocks of piece 2 asked');

    rig.serve(source, 2, (block) => Buffer.alloc(block.length, 0x5a));
    await rig.diagnostics.waitFor('piece 2 failed its hash check');
    await source.until(() => source.received('request').length === 4, 'piece 2 asked again');
    rig.clock.advance(1_000);
    await rig.settle();
    expect(lacking.received('have')).toEqual([]);

    rig.serve(source);
    const have = await lacking.nextOfKind('have');
    expect(have.index).toBe(2);
    expect(rig.data.written).toEqual([2]);
    for (const peer of [source, holding]) await rig.sync(peer);
    await rig.settle();
    expect([source.received('have'), holding.received('have'), lacking.received('have')]).toEqual([[], [], [have]]);
  });
});
