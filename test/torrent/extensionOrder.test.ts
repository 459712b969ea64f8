/**
 * The extension protocol (BEP 10) in whatever order real peers use it: a
 * bitfield before or after the extension handshake, none at all, extensions
 * we do not know, extended messages under ids we never announced or before
 * the peer's handshake. Each connection lives on and is still downloaded
 * from; only a malformed ut_pex or ut_metadata message under our id closes
 * it. Raw peers over the in-memory rig; time is its ManualClock.
 */
import { jest } from '@jest/globals';
import bencode from 'bencode';
import { PEX_INTERVAL_MS } from '../../src/swarm/pex/PexState.js';
import { encodeCompactPeer } from '../../src/swarm/tracker/compactPeers.js';
import { EXTENSION_HANDSHAKE_ID, UT_METADATA, UT_PEX, type BtMessage } from '../../src/wire/bt/index.js';
import type { RawBtPeer } from '../support/RawBtPeer.js';
import { TorrentRig, bitfieldOf, extendedPayloads, extensionHandshakeOf, requested, torrentExtensionHandshake } from './torrentRig.js';

jest.setTimeout(20_000);
let rig: TorrentRig;
afterEach(() => rig?.stop());

const PIECES = 4;
const UNCHOKE: BtMessage = { kind: 'unchoke' };
const THEIR_PEX_ID = 9;
const pexHandshake = (port: number, more: Record<string, number> = {}) => extensionHandshakeOf({ ...more, [UT_PEX]: THEIR_PEX_ID }, port);

/** The torrent asks `peer` for blocks, and the connection is open. */
async function downloadsFrom(peer: RawBtPeer): Promise<void> {
  await peer.until(() => requested(peer).length > 0, 'a request');
  await rig.sync(peer);
  expect(peer.closed).toBe(false);
}

/** The torrent's view of its only peer. */
const onlyPeer = () => {
  const peers = rig.torrent.connectedPeers();
  expect(peers).toHaveLength(1);
  return peers[0];
};

/** A second peer that reads ut_pex, and a minute for the torrent to tell it (and everyone) about its peers. */
async function aMinuteWithAnotherPeer(): Promise<RawBtPeer> {
  const other = await rig.open('other', { opening: [{ kind: 'have-none' }, extensionHandshakeOf({ [UT_PEX]: THEIR_PEX_ID }, 7099)] });
  await rig.sync(other);
  rig.clock.advance(PEX_INTERVAL_MS);
  await rig.settle();
  return other;
}

describe('accepted in any order, the connection living on', () => {
  test('a bitfield before the extension handshake: both read', async () => {
    rig = new TorrentRig({ pieceCount: PIECES });
    const peer = await rig.open('bitfield first', { opening: [bitfieldOf(PIECES, [0, 1, 2, 3]), pexHandshake(7001), UNCHOKE] });
    await downloadsFrom(peer);
    expect(onlyPeer()).toMatchObject({ clientVersion: 'raw 1.0', listenAddress: '10.0.0.1:7001' });
    expect(onlyPeer().has.isComplete).toBe(true);
  });

  test('the extension handshake before the bitfield: both read', async () => {
    rig = new TorrentRig({ pieceCount: PIECES });
    const peer = await rig.open('handshake first', { opening: [pexHandshake(7001), bitfieldOf(PIECES, [0, 1, 2, 3]), UNCHOKE] });
    await downloadsFrom(peer);
    expect(onlyPeer()).toMatchObject({ clientVersion: 'raw 1.0', listenAddress: '10.0.0.1:7001' });
    expect(onlyPeer().has.isComplete).toBe(true);
  });

  test('no extension handshake at all (the BEP 10 bit set): downloaded from, sent no extended message but our handshake', async () => {
    rig = new TorrentRig({ pieceCount: PIECES });
    const peer = await rig.open('silent', { opening: [{ kind: 'have-all' }, UNCHOKE] });
    await downloadsFrom(peer);
    await aMinuteWithAnotherPeer();
    expect(peer.received('extended').map((m) => m.id)).toEqual([EXTENSION_HANDSHAKE_ID]);
    expect(peer.closed).toBe(false);
  });

  test('extensions we do not know: nothing is sent under their ids, ut_pex is used under its own', async () => {
    rig = new TorrentRig({ pieceCount: PIECES });
    const unknown = { ut_holepunch: 4, lt_donthave: 7, upload_only: 3, 'a\u00e9b': 11 };
    const peer = await rig.open('many extensions', { opening: [{ kind: 'have-all' }, pexHandshake(7001, unknown), UNCHOKE] });
    await downloadsFrom(peer);
    await aMinuteWithAnotherPeer();
    expect(peer.received('extended').map((m) => m.id)).toEqual([EXTENSION_HANDSHAKE_ID, THEIR_PEX_ID]);
    expect(peer.closed).toBe(false);
  });

  test('extended messages under ids we never announced are ignored, whatever they hold', async () => {
    rig = new TorrentRig({ pieceCount: PIECES });
    const peer = await rig.open('odd ids', { opening: [{ kind: 'have-all' }, pexHandshake(7001)] });
    const ours = new Set((await torrentExtensionHandshake(peer)).extensions.values());
    for (let id = 1; id <= 0xff; id++) if (!ours.has(id)) peer.send({ kind: 'extended', id, payload: Buffer.from('not bencode at all', 'latin1') });
    peer.send(UNCHOKE);
    await downloadsFrom(peer);
  });

  test('an extended message before the extension handshake: ut_pex from a peer that has not announced it is ignored, and taken once it has', async () => {
    rig = new TorrentRig({ pieceCount: PIECES });
    const peer = await rig.open('early', { opening: [{ kind: 'have-all' }] });
    const ourPexId = (await torrentExtensionHandshake(peer)).extensions.get(UT_PEX)!;
    const pex = (port: number): BtMessage => ({ kind: 'extended', id: ourPexId, payload: bencode.encode({ added: encodeCompactPeer('10.0.0.9', port) }) });
    peer.send(pex(7008));
    await rig.sync(peer);
    expect(rig.dials).toEqual([]);

    peer.send(pexHandshake(7001), pex(7009), UNCHOKE);
    await downloadsFrom(peer);
    expect(rig.dials).toEqual(['10.0.0.9:7009']);
  });

  test('a second extension handshake replaces the first: ut_pex turned off (id 0), nothing more is sent under it', async () => {
    rig = new TorrentRig({ pieceCount: PIECES });
    const peer = await rig.open('changes its mind', { opening: [{ kind: 'have-all' }, pexHandshake(7001), extensionHandshakeOf({ [UT_PEX]: 0 }), UNCHOKE] });
    await downloadsFrom(peer);
    await aMinuteWithAnotherPeer();
    expect(extendedPayloads(peer, THEIR_PEX_ID)).toEqual([]);
  });
});

describe('a malformed message under one of our ids closes the connection (bad-extension-message)', () => {
  test.each([
    ['ut_pex that is a list', UT_PEX, 'le', 'ut_pex (BEP 11): the message is not a bencoded dictionary'],
    ['ut_metadata without a piece', UT_METADATA, 'd8:msg_typei0ee', "ut_metadata (BEP 9): 'piece' is missing or not an integer"],
    ['ut_metadata data of the wrong size', UT_METADATA, 'd8:msg_typei1e5:piecei0e10:total_sizei5eeabc', 'ut_metadata (BEP 9): piece 0 of 5 bytes has 3 bytes, not 5'],
  ])('%s', async (_name, extension, text, problem) => {
    rig = new TorrentRig({ pieceCount: PIECES, infoDictionary: Buffer.from('d4:name1:xe', 'latin1') });
    const peer = await rig.open('malformed', { opening: [{ kind: 'have-all' }, pexHandshake(7001, { [UT_METADATA]: 3 })] });
    const ourId = (await torrentExtensionHandshake(peer)).extensions.get(extension)!;
    peer.send({ kind: 'extended', id: ourId, payload: Buffer.from(text, 'latin1') });
    await rig.ended(peer, `protocol violation (bad-extension-message): ${problem}`);
  });
});
