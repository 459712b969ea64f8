/**
 * Our interest (BEP 3): interested in a peer as soon as it has a piece we
 * lack, whether its bitfield or a later have says so; not interested once it
 * has nothing more we need, and in nobody once we are complete. Raw peers over
 * an in-memory transport; time is the torrent's ManualClock.
 */
import type { RawBtPeer } from '../support/RawBtPeer.js';
import { TorrentRig, bitfieldOf } from './torrentRig.js';

let rig: TorrentRig;
afterEach(() => rig?.stop());

/** What we told `peer`, in order: 'interested' and 'not-interested' only. */
const interest = (peer: RawBtPeer) => peer.messages.filter((m) => m.kind === 'interested' || m.kind === 'not-interested').map((m) => m.kind);

test('interested as soon as a bitfield or a have shows a piece we lack, and not before', async () => {
  rig = new TorrentRig({ pieceCount: 4, held: [0, 1] });
  const lacking = await rig.open('peer with piece 3', { opening: [bitfieldOf(4, [3])] });
  const same = await rig.open('peer with what we have', { opening: [bitfieldOf(4, [0, 1])] });
  const empty = await rig.open('peer with nothing', { opening: [{ kind: 'have-none' }] });
  await lacking.nextOfKind('interested');
  for (const peer of [same, empty]) await rig.sync(peer);
  await rig.settle();
  expect([interest(same), interest(empty)]).toEqual([[], []]);

  empty.send({ kind: 'have', index: 0 }); // one we hold: still nothing to want
  await rig.sync(empty);
  same.send({ kind: 'have', index: 2 });
  empty.send({ kind: 'have', index: 3 });
  await same.nextOfKind('interested');
  await empty.nextOfKind('interested');
  expect([interest(lacking), interest(same), interest(empty)]).toEqual([['interested'], ['interested'], ['interested']]);
});

test('not interested once a peer has nothing more we need, while still interested in the others', async () => {
  rig = new TorrentRig({ pieceCount: 4, held: [0] });
  const small = await rig.open('peer with pieces 0 and 2', { opening: [bitfieldOf(4, [0, 2]), { kind: 'unchoke' }] });
  const large = await rig.open('peer with pieces 2 and 3', { opening: [bitfieldOf(4, [2, 3])] }); // never unchokes us
  await large.nextOfKind('interested');
  await small.until(() => rig.unanswered(small) === 2, 'both blocks of piece 2 asked');
  rig.serve(small);
  await small.nextOfKind('not-interested');
  expect(rig.data.bitfield.has(2)).toBe(true);
  await rig.sync(large);
  await rig.settle();
  expect([interest(small), interest(large)]).toEqual([['interested', 'not-interested'], ['interested']]);
});

test('once complete, not interested in anyone', async () => {
  rig = new TorrentRig({ pieceCount: 3 });
  const seed = await rig.open('seed', { opening: [{ kind: 'have-all' }, { kind: 'unchoke' }] });
  const partial = await rig.open('peer with pieces 0 and 1', { opening: [bitfieldOf(3, [0, 1])] });
  const other = await rig.open('peer with piece 2', { opening: [bitfieldOf(3, [2])] });
  await Promise.all([partial, other].map((peer) => peer.nextOfKind('interested')));
  seed.answerRequests((block) => rig.bytesOf(block));
  await partial.nextOfKind('not-interested');
  await other.nextOfKind('not-interested');
  expect(rig.data.bitfield.isComplete).toBe(true);
  expect([interest(partial), interest(other)]).toEqual([['interested', 'not-interested'], ['interested', 'not-interested']]);
});
