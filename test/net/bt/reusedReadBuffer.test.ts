/**
 * A dialled connection reads into one buffer it reuses (src/net/reusedReadBuffer.ts):
 * frames split across reads must still arrive whole and unchanged.
 */
import type { Socket } from 'net';
import { systemClock } from '../../../src/common/Clock.js';
import { BtConnection } from '../../../src/net/bt/BtConnection.js';
import type { BtPeerEvents } from '../../../src/net/bt/BtPeerEvents.js';
import { connectReadingIntoOneBuffer, readsIntoOneBuffer } from '../../../src/net/reusedReadBuffer.js';
import { encodeBtHandshake } from '../../../src/wire/bt/Handshake.js';
import { encodeBtMessage } from '../../../src/wire/bt/MessageCodec.js';
import { knownBytes } from '../../support/fixtures.js';
import { closeServer, listenOnLoopback, LOOPBACK } from '../../support/sockets.js';
import { Waiters } from '../../support/waiting.js';

const INFO_HASH = Buffer.alloc(20, 7);
const CAPS = { extended: false, fast: false, dht: false };
const BLOCK = 16 * 1024;

test('blocks split across reads into one reused buffer arrive whole and unchanged', async () => {
  const blocks = Array.from({ length: 40 }, (_, i) => knownBytes(BLOCK, i + 1));
  // The peer answers our handshake, then sends 40 blocks in writes of 1,000 bytes: most frames straddle reads.
  const stream = Buffer.concat([
    encodeBtHandshake({ capabilities: CAPS, infoHash: INFO_HASH, peerId: Buffer.alloc(20, 1) }),
    ...blocks.map((data, i) => encodeBtMessage({ kind: 'piece', index: i, begin: 0, data })),
  ]);
  const { server, port } = await listenOnLoopback((socket: Socket) => {
    socket.once('data', async () => {
      for (let at = 0; at < stream.length; at += 1_000) {
        socket.write(stream.subarray(at, at + 1_000));
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
  });
  const received: Buffer[] = [];
  const waiters = new Waiters();
  const events = new Proxy({} as BtPeerEvents, {
    get: (_, name) =>
      name === 'onPiece'
        ? (_block: unknown, data: Buffer) => {
            received.push(Buffer.from(data));
            waiters.notify();
          }
        : () => {},
  });
  const socket = connectReadingIntoOneBuffer({ host: LOOPBACK, port, noDelay: true });
  await new Promise((resolve) => socket.once('connect', resolve));
  expect(readsIntoOneBuffer(socket)).toBe(true);
  const connection = new BtConnection({
    socket,
    direction: 'outbound',
    infoHash: INFO_HASH,
    localPeerId: Buffer.alloc(20, 2),
    localCaps: CAPS,
    geometry: { pieceCount: 40, pieceLength: () => BLOCK },
    clock: systemClock,
    events,
    extensionHandshake: { extensions: new Map() },
    checkRemote: () => undefined,
    handshakeTimeoutMs: 5_000,
  });
  try {
    await waiters.until(() => received.length === blocks.length, () => `40 blocks, got ${received.length}`);
    received.forEach((data, i) => expect(data.equals(blocks[i])).toBe(true));
  } finally {
    connection.close({ kind: 'shutdown' });
    socket.destroy();
    await closeServer(server);
  }
});
