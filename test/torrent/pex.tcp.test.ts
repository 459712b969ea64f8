/**
 * Peer exchange (BEP 11) over real TCP on 127.0.0.1, three of our own
 * sessions: a peer that knows only a hub learns from the hub's PEX where a
 * third peer listens, dials it, and the connection stays. Time is each
 * session's ManualClock.
 */
import { jest } from '@jest/globals';
import { BtSessionUnderTest } from '../support/btSessionHarness.js';
import { Cleanup } from '../support/nodeHarness.js';
import { eventually } from '../support/polling.js';
import { LOOPBACK } from '../support/sockets.js';

jest.setTimeout(20_000);
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** The torrent's housekeeping period, when it tells peers what changed. */
const HOUSEKEEPING_MS = 2_000;

test("PEX introduces a third peer to a second over TCP: the second dials it at the listen port the hub told, and they stay connected", async () => {
  // Nobody holds a piece, so nobody completes and no connection ends as seed meets seed.
  const hub = await BtSessionUnderTest.start({ complete: false, cleanup, seed: 1 });
  const second = await BtSessionUnderTest.start({ complete: false, cleanup, seed: 2 });
  // A peer without PEX (as aria2 with --enable-peer-exchange=false): it is told of nobody, so it does not dial back at the same moment.
  const third = await BtSessionUnderTest.start({ complete: false, cleanup, seed: 3, isPrivate: true });
  for (const session of [second, third]) session.torrent.discovered([{ host: LOOPBACK, port: hub.port, source: 'static' }]);
  // The hub knows where each listens from its extension handshake (`p`) once that is read.
  await eventually(
    () => hub.torrent.connectedPeers().filter((peer) => peer.listenAddress !== undefined).length === 2,
    () => 'both peers connected to the hub, their listen ports known',
  );

  hub.clock.advance(HOUSEKEEPING_MS);
  const thirdAddress = `${LOOPBACK}:${third.port}`;
  await second.debugLine(`connected to ${thirdAddress} (`);
  await eventually(() => third.torrent.connectedPeers().length === 2, () => 'the third peer to hold the hub and the second');
  expect(second.torrent.connectedPeers().map((peer) => peer.listenAddress).sort()).toEqual([`${LOOPBACK}:${hub.port}`, thirdAddress].sort());
  for (const session of [hub, second, third]) session.expectNoErrors();
});

test('two peers told of each other by PEX at once dial each other at once, and keep one connection between them', async () => {
  const hub = await BtSessionUnderTest.start({ complete: false, cleanup, seed: 4 });
  const [second, third] = [await BtSessionUnderTest.start({ complete: false, cleanup, seed: 5 }), await BtSessionUnderTest.start({ complete: false, cleanup, seed: 6 })];
  for (const session of [second, third]) session.torrent.discovered([{ host: LOOPBACK, port: hub.port, source: 'static' }]);
  await eventually(
    () => hub.torrent.connectedPeers().filter((peer) => peer.listenAddress !== undefined).length === 2,
    () => 'both peers connected to the hub, their listen ports known',
  );
  hub.clock.advance(HOUSEKEEPING_MS); // both hear of the other in the same round
  await eventually(
    () => [second, third].every((session) => session.torrent.connectedPeers().length === 2),
    () => 'the second and the third connected to each other once, beside the hub',
  );
  for (const session of [hub, second, third]) session.expectNoErrors();
});
