/**
 * Who the torrent is connected to: a peer sending two pieces that fail their
 * hash check is banned (the course's parole rule, kept for BitTorrent); at
 * most 50 connections, both directions together; one connection per peer id
 * and per address; never one to ourselves. Raw peers over an in-memory
 * transport; time is the torrent's ManualClock.
 */
import { jest } from '@jest/globals';
import { DEFAULT_MAX_PEERS } from '../../src/torrent/Torrent.js';
import { MAX_DIAL_FAILURES, REDIAL_MAX_MS } from '../../src/torrent/PeerList.js';
import type { BtMessage } from '../../src/wire/bt/index.js';
import { rawPeerId } from '../support/btSessionHarness.js';
import type { RawBtPeer } from '../support/RawBtPeer.js';
import { TorrentRig, seedOpening } from './torrentRig.js';

jest.setTimeout(20_000);
let rig: TorrentRig;
afterEach(() => rig?.stop());

const UNCHOKE: BtMessage = { kind: 'unchoke' };
const garbage = (block: { length: number }) => Buffer.alloc(block.length, 0x5a);

/** The torrent ended `peer`'s connection at its peer id: our handshake went out, nothing more. */
async function refusedAtPeerId(peer: RawBtPeer, reason: string): Promise<void> {
  await peer.waitForClose();
  await rig.diagnostics.waitFor(`connection with ${peer.address} ended before its handshake: ${reason}`);
  expect(peer.remotePeerId).toEqual(rig.localPeerId);
  expect(peer.messages).toEqual([]);
}

/** `count` peers that connect to the torrent, all accepted. */
async function openMany(count: number): Promise<RawBtPeer[]> {
  const peers: RawBtPeer[] = [];
  for (let n = 1; n <= count; n++) peers.push(await rig.open(`peer ${n}`, { opening: [{ kind: 'have-none' }] }));
  return peers;
}

/** A connection the router closed before the torrent said a byte. */
async function refusedAtOnce(peer: RawBtPeer): Promise<void> {
  await peer.waitForClose();
  expect(peer.bytesReceived).toBe(0);
}

describe('parole and ban', () => {
  test('a first bad piece is parole; a second bans the peer: closed, and its peer id refused when it comes back', async () => {
    rig = new TorrentRig({ pieceCount: 4 });
    const liarId = rawPeerId(66);
    const liar = await rig.open('liar', { peerId: liarId, opening: [...seedOpening(), UNCHOKE] });
    await liar.until(() => rig.unanswered(liar) === 2, 'a piece asked');
    rig.serve(liar, 2, garbage);
    await rig.diagnostics.waitFor(`${liar.address} sent bad data for it: parole`);
    await rig.sync(liar);
    expect(liar.closed).toBe(false);

    await liar.until(() => rig.unanswered(liar) === 2, 'a piece asked again');
    rig.serve(liar, 2, garbage);
    await rig.ended(liar, 'banned: two pieces that failed their hash check');
    const back = rig.arrive('liar again', { peerId: liarId, opening: seedOpening() });
    await refusedAtPeerId(back, 'banned: it sent two pieces that failed their hash check');
    expect(rig.data.written).toEqual([]);
  });

  test('a banned peer we had dialled is not dialled again when a source reports it again', async () => {
    rig = new TorrentRig({ pieceCount: 4 });
    const dialled = rig.answerAt('192.0.2.66:6881', 'liar', { opening: [...seedOpening(), UNCHOKE] });
    rig.discover('192.0.2.66:6881');
    const liar = await dialled;
    for (const copy of ['first', 'second']) {
      await liar.until(() => rig.unanswered(liar) === 2, `a piece asked, the ${copy} time`);
      rig.serve(liar, 2, garbage);
    }
    await rig.ended(liar, 'banned: two pieces that failed their hash check');
    rig.clock.advance(REDIAL_MAX_MS);
    rig.discover('192.0.2.66:6881');
    expect(rig.dials).toEqual(['192.0.2.66:6881']);
  });
});

describe(`at most ${DEFAULT_MAX_PEERS} connections, both directions together`, () => {
  test(`the ${DEFAULT_MAX_PEERS + 1}st incoming connection is refused; a place freed is taken again`, async () => {
    rig = new TorrentRig({ held: 'all' });
    const peers = await openMany(DEFAULT_MAX_PEERS);
    await refusedAtOnce(rig.arrive('one too many'));
    peers[0].destroy();
    await rig.ended(peers[0]);
    await rig.open('newcomer');
  });

  test('dialling stops at the limit, dials in progress counting as connections', async () => {
    rig = new TorrentRig({ held: 'all' });
    await openMany(DEFAULT_MAX_PEERS - 5);
    const addresses = Array.from({ length: 10 }, (_, i) => `192.0.2.${i + 1}:6881`); // nobody answers: the dials stay in progress
    rig.discover(...addresses);
    expect(rig.dials).toEqual(addresses.slice(0, 5));
    await refusedAtOnce(rig.arrive('one too many'));
    rig.clock.advance(60_000);
    expect(rig.dials).toHaveLength(5);
  });
});

describe('one connection per peer', () => {
  test('a second connection with the peer id of one already connected is refused; the first stays', async () => {
    rig = new TorrentRig({ held: 'all' });
    const first = await rig.open('first', { peerId: rawPeerId(7) });
    const second = rig.arrive('second', { peerId: rawPeerId(7) });
    await refusedAtPeerId(second, `already connected to that peer (${first.address})`);
    await rig.sync(first);
    expect(first.closed).toBe(false);
  });

  test('an address being dialled or connected is not dialled again when reported again', async () => {
    rig = new TorrentRig({ held: 'all' });
    const answering = rig.answerAt('192.0.2.1:6881', 'answering peer', { opening: [{ kind: 'have-none' }] });
    rig.discover('192.0.2.1:6881', '192.0.2.2:6881', '192.0.2.2:6881'); // the second never answers
    const connected = await answering;
    await rig.sync(connected);
    rig.discover('192.0.2.1:6881', '192.0.2.2:6881');
    rig.clock.advance(60_000);
    rig.discover('192.0.2.2:6881', '192.0.2.1:6881');
    expect(rig.dials).toEqual(['192.0.2.1:6881', '192.0.2.2:6881']);
  });

  test('never ourselves: an address that turned out to be us is never dialled again, and a peer reported with our peer id not at all', async () => {
    rig = new TorrentRig({ held: 'all' });
    rig.answerAsOurselves('192.0.2.9:6881');
    rig.discover('192.0.2.9:6881');
    await rig.diagnostics.waitFor('connection with 192.0.2.9:6881 ended before its handshake: that is us');
    for (let i = 0; i < MAX_DIAL_FAILURES; i++) {
      rig.clock.advance(REDIAL_MAX_MS);
      rig.discover('192.0.2.9:6881'); // a tracker's next reply lists us again
      await rig.settle();
    }
    rig.torrent.discovered([{ host: '192.0.2.10', port: 6881, peerId: rig.localPeerId, source: 'tracker' }]);
    await rig.settle();
    expect(rig.dials).toEqual(['192.0.2.9:6881']);
  });
});
