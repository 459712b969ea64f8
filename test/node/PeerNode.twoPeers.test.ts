import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { PieceStore } from '../../src/storage/PieceStore.js';
import { knownBytes, makeTempDir, removeTempDir } from '../support/fixtures.js';
import { Cleanup, TestNode, peerOn } from '../support/nodeHarness.js';
import { freePort } from '../support/sockets.js';

jest.setTimeout(20_000);

const FILE_NAME = 'TheFile.dat';
// 20 pieces of 1 KiB, the last one shorter (724 bytes).
const layout = new PieceLayout(19 * 1024 + 724, 1024);
const file = knownBytes(layout.fileSize, 20);

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface Swarm {
  seeder: TestNode;
  leecher: TestNode;
  leecherFile: string;
}

/** A seeder (peer 1, listed first) and a leecher (peer 2) that dials it, each with a real PieceStore in a temp dir. */
async function startTwoPeers(): Promise<Swarm> {
  const dir = makeTempDir('swarmlab-two-peers-');
  cleanup.add(() => removeTempDir(dir));
  const seederDir = path.join(dir, 'peer_1');
  const leecherDir = path.join(dir, 'peer_2');
  fs.mkdirSync(seederDir);
  fs.writeFileSync(path.join(seederDir, FILE_NAME), file);

  const peers = [peerOn(1, await freePort(), true, 1), peerOn(2, await freePort(), false, 2)];
  const seederStore = await PieceStore.open({ dir: seederDir, fileName: FILE_NAME, layout, complete: true });
  const leecherStore = await PieceStore.open({ dir: leecherDir, fileName: FILE_NAME, layout, complete: false });
  const seeder = new TestNode({ self: peers[0], peers, layout, pieces: seederStore, seed: 1 });
  const leecher = new TestNode({ self: peers[1], peers, layout, pieces: leecherStore, seed: 2 });
  // Registered before start: a node that never started still closes its store on stop().
  cleanup.add(() => seeder.shutdown());
  cleanup.add(() => leecher.shutdown());
  await seeder.node.start();
  await leecher.node.start();
  return { seeder, leecher, leecherFile: path.join(leecherDir, FILE_NAME) };
}

test('the leecher ends with the identical file and both nodes finish complete', async () => {
  const { seeder, leecher, leecherFile } = await startTwoPeers();

  expect(await leecher.finished()).toEqual({ kind: 'complete' });
  expect(await seeder.finished()).toEqual({ kind: 'complete' });

  const copy = fs.readFileSync(leecherFile);
  expect(copy.length).toBe(layout.fileSize);
  expect(copy.equals(file)).toBe(true);
  // Nothing went wrong on the way.
  expect(seeder.diag.at('error')).toEqual([]);
  expect(leecher.diag.at('error')).toEqual([]);
  expect(seeder.diag.at('warn')).toEqual([]);
  expect(leecher.diag.at('warn')).toEqual([]);
});

test('each node logs the spec sentences for what happened', async () => {
  const { seeder, leecher } = await startTwoPeers();
  await leecher.finished();
  await seeder.finished();
  const n = layout.pieceCount;

  // Connection lines: the dialler "makes a connection", the acceptor "is connected from".
  expect(leecher.log.matching('connection')).toEqual(['Peer 2 makes a connection to Peer 1.']);
  expect(seeder.log.matching('connect')).toEqual(['Peer 1 is connected from Peer 2.']);
  expect(leecher.log.count('is connected from')).toBe(0);

  // The complete-file line: once on the leecher, never on the seeder.
  expect(leecher.log.matching('has downloaded the complete file')).toEqual(['Peer 2 has downloaded the complete file.']);
  expect(seeder.log.count('has downloaded the complete file')).toBe(0);

  // Piece lines: counts rise 1..N, every piece exactly once, all from peer 1.
  const pieceLines = leecher.log.eventsOf('downloadedPiece');
  expect(pieceLines.map((e) => e.count)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  expect(pieceLines.map((e) => e.index).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
  expect(pieceLines.every((e) => e.other === 1)).toBe(true);
  const sentence = leecher.log.matching('has downloaded the piece')[0];
  expect(sentence).toMatch(/^Peer 2 has downloaded the piece \d+ from 1\. Now the number of pieces it has is 1\.$/);
  // The complete-file line comes after the last piece line.
  expect(leecher.log.sentences.at(-1)).toBe('Peer 2 has downloaded the complete file.');
  expect(seeder.log.count('has downloaded the piece')).toBe(0);

  // Interest and choking as the protocol describes them.
  expect(seeder.log.matching("received the 'interested' message")).toEqual(["Peer 1 received the 'interested' message from 2."]);
  expect(leecher.log.matching('unchoked by')).toEqual(['Peer 2 is unchoked by 1.']);
  expect(seeder.log.matching('preferred neighbors')).toEqual(['Peer 1 has the preferred neighbors 2.']);
  // Haves: the seeder hears one per piece; the leecher hears none (the seeder downloads nothing).
  expect(seeder.log.count("received the 'have' message from 2")).toBe(n);
  expect(leecher.log.count("received the 'have' message")).toBe(0);
});

test('transfer statistics and events agree with the file', async () => {
  const { seeder, leecher } = await startTwoPeers();
  await leecher.finished();
  await seeder.finished();

  expect(leecher.stats().bytesDownloaded).toBe(layout.fileSize);
  expect(seeder.stats().bytesUploaded).toBe(layout.fileSize);
  expect(leecher.eventsOf('downloadComplete')).toHaveLength(1);
  expect(seeder.eventsOf('downloadComplete')).toHaveLength(0);
  expect(leecher.eventsOf('allComplete')).toHaveLength(1);
  expect(seeder.eventsOf('allComplete')).toHaveLength(1);
  expect(seeder.eventsOf('pieceUploaded').map((e) => e.to)).toEqual(new Array(layout.pieceCount).fill(2));
});
