/**
 * Pause and resume (the control interface): a paused node closes every
 * connection and its port, keeps its pieces, dials nobody; resumed, it dials
 * again and asks only for what it still lacks.
 */
import { jest } from '@jest/globals';
import * as net from 'net';
import { Bitfield } from '../../src/core/Bitfield.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { MessageType } from '../../src/wire/index.js';
import { MemoryPieceStore } from '../support/MemoryPieceStore.js';
import { ScriptedServer } from '../support/ScriptedPeer.js';
import { knownBytes, pieceOf } from '../support/fixtures.js';
import { Cleanup, TestNode, peerOn } from '../support/nodeHarness.js';
import { LOOPBACK, freePort } from '../support/sockets.js';
import { turnEventLoop } from '../support/waiting.js';
import { eventually } from '../support/polling.js';

jest.setTimeout(20_000);

const layout = new PieceLayout(4 * 32, 32);
const file = knownBytes(layout.fileSize, 9);
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: LOOPBACK, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** The node under test is leecher 2; peer 1, listed first, is a scripted seeder it dials. */
async function leecherOfScriptedSeeder() {
  const server = await ScriptedServer.listen({ pieceSize: layout.pieceSize, label: 'scripted seeder 1' });
  cleanup.add(() => server.close());
  const peers = [peerOn(1, server.port, true, 1), peerOn(2, await freePort(), false, 2)];
  const node = await TestNode.start({ self: peers[1], peers, layout, pieces: new MemoryPieceStore(layout, Buffer.alloc(layout.fileSize)) });
  cleanup.add(() => node.shutdown());
  return { server, node, port: peers[1].port };
}

test('pause keeps the pieces and closes everything; resume dials again and fetches only what is missing', async () => {
  const { server, node, port } = await leecherOfScriptedSeeder();

  const first = await server.connection(1);
  await first.openAsSeeder(1, layout.pieceCount);
  first.send({ type: MessageType.Unchoke });
  const request = await first.nextOfType(MessageType.Request);
  first.sendPiece(request.index, pieceOf(file, layout, request.index));
  await node.waitForEvent('pieceDownloaded');

  await node.node.pause();
  expect(node.node.status()).toMatchObject({ state: 'paused', piecesHeld: 1, neighbours: [] });
  await first.waitForClose();
  expect(await connectionRefused(port)).toBe(true);
  // No redial while paused, however long it lasts.
  node.clock.advance(60_000);
  await turnEventLoop(5);
  expect(server.accepted).toHaveLength(1);

  await node.node.resume();
  expect(node.node.status().state).toBe('running');
  const second = await server.connection(2);
  second.sendHandshake(1);
  second.sendBitfield(Bitfield.full(layout.pieceCount));
  // What it kept is announced at once.
  const kept = await second.nextOfType(MessageType.Bitfield);
  expect(Bitfield.fromBytes(kept.bits, layout.pieceCount)).toMatchObject({ count: 1 });
  await second.nextOfType(MessageType.Interested);
  second.send({ type: MessageType.Unchoke });
  const asked = new Set<number>();
  while (asked.size < layout.pieceCount - 1) {
    const next = await second.nextOfType(MessageType.Request);
    expect(next.index).not.toBe(request.index);
    asked.add(next.index);
    second.sendPiece(next.index, pieceOf(file, layout, next.index));
  }
  await node.waitForEvent('downloadComplete');
  expect(node.node.status().piecesHeld).toBe(layout.pieceCount);
});

test('the status names each neighbour with the four flags, and the node-wide figures', async () => {
  const server = await ScriptedServer.listen({ pieceSize: layout.pieceSize, label: 'scripted seeder 1' });
  cleanup.add(() => server.close());
  const peers = [peerOn(1, server.port, true, 1), peerOn(2, await freePort(), false, 2)];
  const node = await TestNode.start({ self: peers[1], peers, layout, pieces: new MemoryPieceStore(layout, Buffer.alloc(layout.fileSize)) });
  cleanup.add(() => node.shutdown());
  const seeder = await server.connection(1);
  await seeder.openAsSeeder(1, layout.pieceCount);
  seeder.send({ type: MessageType.Unchoke });
  const request = await seeder.nextOfType(MessageType.Request);

  const status = node.node.status();
  expect(status).toMatchObject({ peerId: 2, state: 'running', pieceCount: 4, piecesHeld: 0, bitfieldHex: '00', preferred: [], optimistic: null });
  expect(status.neighbours).toEqual([
    expect.objectContaining({ peerId: 1, direction: 'outbound', amChoking: true, amInterested: true, peerChoking: false, peerInterested: false, piecesHeld: 4, requestsInFlight: 1 }),
  ]);
  seeder.sendPiece(request.index, pieceOf(file, layout, request.index));
  await node.waitForEvent('pieceDownloaded');
  const after = node.node.status();
  expect(after.bytesDownloaded).toBe(32);
  expect(after.downloadRate).toBeGreaterThan(0);
  expect(after.bitfieldHex).toBe(Buffer.from([0x80 >> request.index]).toString('hex'));
});

test('an earlier peer still unreachable after every dial attempt is tried again later, within the redial budget', async () => {
  const port = await freePort();
  const peers = [peerOn(1, port, true, 1), peerOn(2, await freePort(), false, 2)];
  const node = await TestNode.start({ self: peers[1], peers, layout, pieces: new MemoryPieceStore(layout, Buffer.alloc(layout.fileSize)) });
  cleanup.add(() => node.shutdown());
  await eventually(() => node.diag.at('error').some((line) => line.includes('peer 1 at 127.0.0.1') && line.includes('still not reachable')), 'the first dial to fail');

  // Peer 1 comes up (restarted, or resumed after a pause): the next try finds it.
  const accepted: net.Socket[] = [];
  const server = net.createServer((socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(port, LOOPBACK, resolve));
  cleanup.add(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanup.add(() => accepted.forEach((socket) => socket.destroy()));
  node.clock.advance(100);
  await eventually(() => accepted.length === 1, 'the node to dial peer 1 again');
});
