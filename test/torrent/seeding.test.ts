/**
 * Once complete (bittorrent.md; libtorrent and aria2 do the same): a
 * connection to another seed is closed, whether it was open when we completed
 * or is new, leechers are still served, and the peer list does not dial known
 * seeds again while we seed. A seed still dials the peers its sources report.
 * Raw peers over an in-memory transport; time is the torrent's ManualClock.
 */
import { jest } from '@jest/globals';
import { REDIAL_BASE_MS } from '../../src/torrent/PeerList.js';
import { RIG_BLOCK, TorrentRig, bitfieldOf, isUnchoked } from './torrentRig.js';

jest.setTimeout(10_000);
let rig: TorrentRig;
afterEach(() => rig?.stop());

const SEEDS_CLOSED = 'we are both seeds';

test('on completing: the seeds we are connected to are closed, a leecher is still served', async () => {
  rig = new TorrentRig({ pieceCount: 3 });
  const source = await rig.open('seed we download from', { opening: [{ kind: 'have-all' }, { kind: 'unchoke' }] });
  const idleSeed = await rig.open('seed that never unchokes us', { opening: [{ kind: 'have-all' }] });
  const leecher = await rig.open('leecher', { opening: [{ kind: 'have-none' }, { kind: 'interested' }] });
  source.answerRequests((block) => rig.bytesOf(block));
  await rig.ended(source, SEEDS_CLOSED);
  await rig.ended(idleSeed, SEEDS_CLOSED);
  expect(rig.data.bitfield.isComplete).toBe(true);

  await leecher.until(() => isUnchoked(leecher), 'an unchoke');
  leecher.send({ kind: 'request', index: 2, begin: RIG_BLOCK, length: RIG_BLOCK });
  const piece = await leecher.nextOfKind('piece');
  expect(piece.data.equals(rig.bytesOf({ index: 2, begin: RIG_BLOCK, length: RIG_BLOCK }))).toBe(true);
  expect(leecher.closed).toBe(false);
});

test.each([
  ['have-all (BEP 6)', { opening: [{ kind: 'have-all' as const }] }],
  ['a full bitfield, without BEP 6', { opening: [bitfieldOf(4, [0, 1, 2, 3])], caps: { extended: true, fast: false, dht: false } }],
])('a seed meeting a seed that says so with %s closes the connection', async (_, options) => {
  rig = new TorrentRig({ pieceCount: 4, held: 'all' });
  const other = rig.arrive('other seed', options);
  await rig.ended(other, SEEDS_CLOSED);
  expect(other.received('piece')).toEqual([]);
});

test('a leecher that completes while connected to us, a seed, is closed when its last have comes', async () => {
  rig = new TorrentRig({ pieceCount: 2, held: 'all' });
  const leecher = await rig.open('leecher', { opening: [bitfieldOf(2, [0])] });
  await rig.sync(leecher);
  expect(leecher.closed).toBe(false);
  leecher.send({ kind: 'have', index: 1 });
  await rig.ended(leecher, SEEDS_CLOSED);
});

test('while we seed, a seed we dialled is not dialled again; a leecher is, after the usual wait', async () => {
  rig = new TorrentRig({ pieceCount: 4, held: 'all' });
  const seed = rig.answerAt('192.0.2.1:6881', 'seed', { opening: [{ kind: 'have-all' }] });
  const leecher = rig.answerAt('192.0.2.2:6881', 'leecher', { opening: [{ kind: 'have-none' }] });
  rig.discover('192.0.2.1:6881', '192.0.2.2:6881');
  await rig.ended(await seed, SEEDS_CLOSED);
  const leaving = await leecher;
  await rig.sync(leaving);
  leaving.destroy();
  await rig.ended(leaving);
  expect(rig.dials).toEqual(['192.0.2.1:6881', '192.0.2.2:6881']);

  rig.clock.advance(REDIAL_BASE_MS + 2_000);
  expect(rig.dials).toEqual(['192.0.2.1:6881', '192.0.2.2:6881', '192.0.2.2:6881']);
  rig.clock.advance(30 * 60_000);
  expect(rig.dials.filter((address) => address === '192.0.2.1:6881')).toHaveLength(1);
});

test('a seed dials the peers its sources report, and serves them', async () => {
  rig = new TorrentRig({ pieceCount: 4, held: 'all' });
  const found = rig.answerAt('192.0.2.7:6881', 'leecher', { opening: [{ kind: 'have-none' }, { kind: 'interested' }] });
  rig.discover('192.0.2.7:6881');
  const leecher = await found;
  expect(rig.dials).toEqual(['192.0.2.7:6881']);
  await leecher.until(() => isUnchoked(leecher), 'an unchoke');
  leecher.send({ kind: 'request', index: 0, begin: 0, length: RIG_BLOCK });
  expect((await leecher.nextOfKind('piece')).data.equals(rig.bytesOf({ index: 0, begin: 0, length: RIG_BLOCK }))).toBe(true);
});
