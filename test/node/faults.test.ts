/**
 * Faults a real PeerNode must survive or end cleanly on: a disk that fails
 * under it, and being left alone with the complete file after a restart.
 */
import { jest } from '@jest/globals';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { StorageError } from '../../src/storage/StorageError.js';
import { MessageType } from '../../src/wire/index.js';
import { MemoryPieceStore } from '../support/MemoryPieceStore.js';
import { ScriptedPeer, ScriptedServer } from '../support/ScriptedPeer.js';
import { knownBytes, pieceOf } from '../support/fixtures.js';
import { Cleanup, TestNode, peerOn } from '../support/nodeHarness.js';
import { freePort } from '../support/sockets.js';
import { turnEventLoop } from '../support/waiting.js';
import { eventually } from '../support/polling.js';

jest.setTimeout(20_000);

const layout = new PieceLayout(8 * 32, 32);
const file = knownBytes(layout.fileSize, 5);
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A store whose disk fails: the first write rejects as a full disk would. */
class FailingDiskStore extends MemoryPieceStore {
  override async writePiece(): Promise<boolean> {
    await Promise.resolve();
    throw new StorageError('/peers/peer_2/f.dat', 'ENOSPC: no space left on device, write', 'io');
  }
}

/** The node is peer 2, a leecher; the scripted peer 1 is a seeder listed first, which the node dials. */
async function leecherAgainstScriptedSeeder(store: MemoryPieceStore, aloneTimeoutMs?: number) {
  const server = await ScriptedServer.listen({ pieceSize: layout.pieceSize, label: 'scripted seeder 1' });
  cleanup.add(() => server.close());
  const peers = [peerOn(1, server.port, true, 1), peerOn(2, await freePort(), false, 2)];
  const node = await TestNode.start({ self: peers[1], peers, layout, pieces: store, aloneTimeoutMs });
  cleanup.add(() => node.shutdown());
  const seeder: ScriptedPeer = await server.connection();
  cleanup.add(() => seeder.destroy());
  await seeder.openAsSeeder(1, layout.pieceCount);
  seeder.send({ type: MessageType.Unchoke });
  return { node, seeder };
}

test('a disk error while writing: a clear error naming the file and the cause, no have for that piece, a failed outcome', async () => {
  const { node, seeder } = await leecherAgainstScriptedSeeder(new FailingDiskStore(layout, Buffer.alloc(layout.fileSize)));
  const request = await seeder.nextOfType(MessageType.Request);
  seeder.sendPiece(request.index, pieceOf(file, layout, request.index));

  const outcome = await node.finished();
  expect(outcome.kind).toBe('failed');
  expect(outcome.kind === 'failed' && outcome.error).toBeInstanceOf(StorageError);
  expect(node.diag.at('error')).toContainEqual(expect.stringMatching(/\/peers\/peer_2\/f\.dat: ENOSPC/));
  await seeder.waitForClose();
  expect(seeder.received(MessageType.Have)).toEqual([]);
  expect(node.log.count('has downloaded the piece')).toBe(0);
});

test('a complete peer whose last neighbour left concludes, after the alone timeout, that the swarm is over', async () => {
  const store = MemoryPieceStore.seeder(layout, file);
  const server = await ScriptedServer.listen({ pieceSize: layout.pieceSize, label: 'scripted peer 1' });
  cleanup.add(() => server.close());
  const peers = [peerOn(1, server.port, false, 1), peerOn(2, await freePort(), false, 2)];
  // Peer 2 restarted with everything (resumed complete); peer 1 finished and will leave.
  const node = await TestNode.start({ self: peers[1], peers, layout, pieces: store, aloneTimeoutMs: 30_000 });
  cleanup.add(() => node.shutdown());
  const other = await server.connection();
  other.sendHandshake(1);
  await node.waitForEvent('connected');
  other.destroy();
  await node.waitForEvent('disconnected');

  node.clock.advance(29_999);
  await turnEventLoop();
  expect(node.settled).toBeUndefined();
  node.clock.advance(1);
  expect(await node.finished()).toEqual({ kind: 'complete' });
  expect(node.diag.at('warn')).toContainEqual(expect.stringContaining('no neighbour came back for 30 s'));
});

test('a neighbour that comes back within the alone timeout keeps the peer running', async () => {
  const store = MemoryPieceStore.seeder(layout, file);
  const peers = [peerOn(1, await freePort(), true, 1), peerOn(2, await freePort(), false, 2)];
  const node = await TestNode.start({ self: peers[0], peers, layout, pieces: store, aloneTimeoutMs: 30_000 });
  cleanup.add(() => node.shutdown());
  const first = await ScriptedPeer.connect(peers[0].port, { pieceSize: layout.pieceSize, label: 'leecher 2' });
  first.sendHandshake(2);
  await node.waitForEvent('connected');
  first.destroy();
  await node.waitForEvent('disconnected');
  node.clock.advance(20_000);
  const again = await ScriptedPeer.connect(peers[0].port, { pieceSize: layout.pieceSize, label: 'leecher 2 again' });
  cleanup.add(() => again.destroy());
  again.sendHandshake(2);
  await node.waitForEvent('connected', 2);
  node.clock.advance(20_000);
  await turnEventLoop();
  expect(node.settled).toBeUndefined();
});

test('a complete peer started again after everyone left (its earlier peers unreachable) also concludes the swarm is over', async () => {
  const store = MemoryPieceStore.seeder(layout, file);
  // Peer 1 finished and left: nothing listens on its port.
  const peers = [peerOn(1, await freePort(), false, 1), peerOn(2, await freePort(), false, 2)];
  const node = await TestNode.start({ self: peers[1], peers, layout, pieces: store, aloneTimeoutMs: 30_000, resumed: true });
  cleanup.add(() => node.shutdown());
  await eventually(() => node.diag.at('error').some((line) => line.includes('still not reachable')), 'the dial to peer 1 to fail');
  node.clock.advance(29_999);
  await turnEventLoop();
  expect(node.settled).toBeUndefined();
  node.clock.advance(1);
  expect(await node.finished()).toEqual({ kind: 'complete' });
});

test('on a first start, an earlier peer that is late is waited for, even by a complete peer', async () => {
  const peers = [peerOn(1, await freePort(), false, 1), peerOn(2, await freePort(), true, 2)];
  const node = await TestNode.start({ self: peers[1], peers, layout, pieces: MemoryPieceStore.seeder(layout, file), aloneTimeoutMs: 30_000 });
  cleanup.add(() => node.shutdown());
  await eventually(() => node.diag.at('error').some((line) => line.includes('still not reachable')), 'the dial to peer 1 to fail');
  node.clock.advance(60_000);
  await turnEventLoop();
  expect(node.settled).toBeUndefined();
});
