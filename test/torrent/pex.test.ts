/**
 * Peer exchange (BEP 11) in the torrent: peers that announce ut_pex are told,
 * at most once a minute, which of our peers joined and left; what they tell
 * us is dialled (never ourselves, a bounded number); a private torrent (BEP
 * 27) does neither. Raw peers over the in-memory rig; time is its ManualClock.
 */
import { jest } from '@jest/globals';
import bencode from 'bencode';
import { PEX_INTERVAL_MS } from '../../src/swarm/pex/PexState.js';
import { COMPACT_IPV4_BYTES, COMPACT_IPV6_BYTES, encodeCompactPeer, parseCompactPeers } from '../../src/swarm/tracker/compactPeers.js';
import { DEFAULT_MAX_PEERS } from '../../src/torrent/Torrent.js';
import { UT_PEX, decodeUtPex, encodeUtPex, type BtMessage } from '../../src/wire/bt/index.js';
import type { RawBtPeer } from '../support/RawBtPeer.js';
import { TorrentRig, extendedPayloads, extensionHandshakeOf, torrentExtensionHandshake } from './torrentRig.js';

jest.setTimeout(20_000);
let rig: TorrentRig;
afterEach(() => rig?.stop());

/** The id our raw peers read ut_pex under. */
const THEIR_PEX_ID = 7;
/** The torrent's housekeeping period, when it tells peers what changed. */
const HOUSEKEEPING_MS = 2_000;
const NONE = Buffer.alloc(0);

/** A raw peer that has nothing, reads ut_pex, and listens on `port` (BEP 10 `p`). */
const pexOpening = (port: number): BtMessage[] => [{ kind: 'have-none' }, extensionHandshakeOf({ [UT_PEX]: THEIR_PEX_ID }, port)];

/** The ut_pex messages `peer` received, as `host:port` lists. */
function pexReceived(peer: RawBtPeer) {
  const text = (bytes: Buffer, size: typeof COMPACT_IPV4_BYTES | typeof COMPACT_IPV6_BYTES) => parseCompactPeers(bytes, size).map((p) => `${p.host}:${p.port}`);
  return extendedPayloads(peer, THEIR_PEX_ID)
    .map((payload) => decodeUtPex(payload))
    .map((m) => ({ added: [...text(m.added, COMPACT_IPV4_BYTES), ...text(m.added6, COMPACT_IPV6_BYTES)], dropped: [...text(m.dropped, COMPACT_IPV4_BYTES), ...text(m.dropped6, COMPACT_IPV6_BYTES)] }));
}

/** `from` sends the torrent a ut_pex message adding these peers, under the id the torrent announced. */
async function tellTorrent(from: RawBtPeer, ...added: [string, number][]): Promise<void> {
  const ourId = (await torrentExtensionHandshake(from)).extensions.get(UT_PEX)!;
  const entries = Buffer.concat(added.map(([host, port]) => encodeCompactPeer(host, port)));
  const payload = encodeUtPex({ added: entries, addedFlags: Buffer.alloc(added.length), added6: NONE, added6Flags: NONE, dropped: NONE, dropped6: NONE });
  from.send({ kind: 'extended', id: ourId, payload });
}

/** Time passes (timers fire) and what the torrent sent reaches the raw peers. */
async function pass(ms: number): Promise<void> {
  rig.clock.advance(ms);
  await rig.settle();
}

test('PEX introduces a third peer to a second: learned from one peer, dialled, then told to the other, and its leaving told a minute later', async () => {
  rig = new TorrentRig({ pieceCount: 4 });
  const first = await rig.open('first', { opening: pexOpening(7001) });
  const second = await rig.open('second', { opening: pexOpening(7002) });
  await rig.sync(first);
  await rig.sync(second);
  expect((await torrentExtensionHandshake(first)).extensions.has(UT_PEX)).toBe(true);

  await pass(HOUSEKEEPING_MS);
  // Each is told of the other at its listen address (its `p`), never of itself.
  expect(pexReceived(first)).toEqual([{ added: ['10.0.0.2:7002'], dropped: [] }]);
  expect(pexReceived(second)).toEqual([{ added: ['10.0.0.1:7001'], dropped: [] }]);

  const thirdAnswers = rig.answerAt('10.0.0.9:7009', 'third', { opening: [{ kind: 'have-none' }] });
  await tellTorrent(first, ['10.0.0.9', 7009]);
  const third = await thirdAnswers;
  await third.handshake();
  await rig.diagnostics.waitFor('connected to 10.0.0.9:7009 ');
  expect(rig.dials).toEqual(['10.0.0.9:7009']);

  await pass(HOUSEKEEPING_MS);
  expect(pexReceived(second)).toHaveLength(1); // once a minute at most
  await pass(PEX_INTERVAL_MS - HOUSEKEEPING_MS);
  expect(pexReceived(second)).toEqual([
    { added: ['10.0.0.1:7001'], dropped: [] },
    { added: ['10.0.0.9:7009'], dropped: [] },
  ]);
  expect(pexReceived(third)).toEqual([]); // it announced no ut_pex

  third.destroy();
  await rig.ended(third);
  await rig.sync(second);
  await pass(PEX_INTERVAL_MS);
  expect(pexReceived(second).at(-1)).toEqual({ added: [], dropped: ['10.0.0.9:7009'] });
  expect(pexReceived(first).flatMap((m) => m.added)).not.toContain('10.0.0.1:7001');
  expect(first.closed || second.closed).toBe(false);
});

test('a ut_pex message listing thousands of peers costs only that message: ourselves left out, dials up to the connection limit', async () => {
  rig = new TorrentRig({ pieceCount: 4 });
  const talker = await rig.open('talker', { opening: pexOpening(7001) });
  const ourId = (await torrentExtensionHandshake(talker)).extensions.get(UT_PEX)!;
  const many = Array.from({ length: 2_800 }, (_, i) => encodeCompactPeer(`10.1.${i >> 8}.${i & 0xff}`, 6000));
  // We listen on 6881 on this machine: listed first, and still not dialled.
  const added = Buffer.concat([encodeCompactPeer('127.0.0.1', 6881), ...many]);
  talker.send({ kind: 'extended', id: ourId, payload: bencode.encode({ added }) });
  await rig.sync(talker);

  expect(rig.dials).not.toContain('127.0.0.1:6881');
  expect(rig.dials).toHaveLength(DEFAULT_MAX_PEERS - 1);
  expect(new Set(rig.dials).size).toBe(rig.dials.length);
  expect(talker.closed).toBe(false);
});

test('a private torrent (BEP 27) announces no ut_pex, tells nobody and learns nothing', async () => {
  rig = new TorrentRig({ pieceCount: 4, isPrivate: true });
  const first = await rig.open('first', { opening: pexOpening(7001) });
  const second = await rig.open('second', { opening: pexOpening(7002) });
  expect((await torrentExtensionHandshake(first)).extensions).toEqual(new Map());

  // A ut_pex message under whatever id: none is announced, so each is ignored.
  const payload = bencode.encode({ added: encodeCompactPeer('10.0.0.9', 7009) });
  for (let id = 1; id <= 0xff; id++) first.send({ kind: 'extended', id, payload });
  await rig.sync(first);
  await pass(PEX_INTERVAL_MS);

  expect(rig.dials).toEqual([]);
  expect(pexReceived(first)).toEqual([]);
  expect(pexReceived(second)).toEqual([]);
  expect(first.closed).toBe(false);
});
