/**
 * BtPeerNode: a launcher's BitTorrent peer in one process, over real TCP on
 * 127.0.0.1 with a manual clock (the transfers need no time; rate limits,
 * the static list's re-reports and the alone timer move only when the test
 * moves the clock). The swarm ends as the course's does: once every listed
 * peer is complete, and the seeders hear it through redundant haves.
 */
import { seededRandom } from '../../../src/common/Random.js';
import type { PeerInfo } from '../../../src/config/PeerInfo.js';
import { PieceLayout } from '../../../src/core/PieceLayout.js';
import { BtPeerNode } from '../../../src/cli/btPeer/BtPeerNode.js';
import type { BtNodeEvents } from '../../../src/cli/btPeer/BtNodeEvents.js';
import { freePorts } from '../../../src/net/freePorts.js';
import type { RateLimitSettings } from '../../../src/node/RateLimits.js';
import { EXTENSION_HANDSHAKE_ID, UT_PEX, parseExtensionHandshake } from '../../../src/wire/bt/index.js';
import { knownBytes } from '../../support/fixtures.js';
import { ManualClock } from '../../support/ManualClock.js';
import { MemoryTorrentData, checkerFor } from '../../support/MemoryTorrentData.js';
import { RawBtPeer } from '../../support/RawBtPeer.js';
import { RecordingDiagnostics } from '../../support/RecordingDiagnostics.js';
import { turnEventLoop, withTimeout } from '../../support/waiting.js';

const PIECE_LENGTH = 32_768;
const CONTENT = knownBytes(10 * PIECE_LENGTH + 1_000);
const LAYOUT = new PieceLayout(CONTENT.length, PIECE_LENGTH);
const META = { infoHash: Buffer.alloc(20, 0x5a), length: CONTENT.length, pieceLength: PIECE_LENGTH, trackerTiers: [], isPrivate: true };

/**
 * MemoryTorrentData marks a piece held the moment it is asked to; a disk
 * store does so a turn of the event loop later, and then the torrent
 * announces it at once. This one behaves like the disk.
 */
class DiskLikeData extends MemoryTorrentData {
  override async markVerified(index: number): Promise<boolean> {
    await new Promise((resolve) => setImmediate(resolve));
    return super.markVerified(index);
  }
}

interface TestPeer {
  node: BtPeerNode;
  data: MemoryTorrentData;
  diag: RecordingDiagnostics;
  events: string[];
  closed: () => boolean;
}

let running: BtPeerNode[] = [];
afterEach(async () => {
  await Promise.all(running.map((node) => node.stop()));
  running = [];
});

/** Peers 1..n on free ports of 127.0.0.1 (the seeders listed), not started. */
async function swarmOf(count: number, seeders: number[], options: { clock?: ManualClock; limits?: Map<number, RateLimitSettings>; resumed?: boolean } = {}) {
  const clock = options.clock ?? new ManualClock(1_000);
  const ports = await freePorts(count);
  const peers: PeerInfo[] = ports.map((port, i) => ({ peerId: i + 1, host: '127.0.0.1', port, hasFile: seeders.includes(i + 1), line: i + 1 }));
  const made = peers.map((self): TestPeer => {
    const data = new DiskLikeData(LAYOUT, self.hasFile ? CONTENT : undefined);
    let closed = false;
    const store = Object.assign(data, { close: async () => void (closed = true) });
    const diag = new RecordingDiagnostics();
    const node = new BtPeerNode({
      self,
      peers,
      meta: META,
      store,
      checker: checkerFor(CONTENT, LAYOUT),
      clock,
      random: seededRandom(self.peerId),
      diag,
      version: '0.1.0',
      rateLimits: options.limits?.get(self.peerId),
      resumed: options.resumed,
    });
    running.push(node);
    const events: string[] = [];
    const names: (keyof BtNodeEvents)[] = ['listening', 'connected', 'downloadComplete', 'allComplete', 'paused', 'resumed'];
    for (const name of names) node.bus.on(name, () => events.push(name));
    return { node, data, diag, events, closed: () => closed };
  });
  return { clock, peers, made };
}

/** Starts them in PeerInfo.cfg's order, each once the one before listens, as the launcher does. */
async function startInOrder(peers: TestPeer[]): Promise<void> {
  for (const peer of peers) await peer.node.start();
}

test('a seeder and two leechers: every copy whole, and every peer ends by itself once all are complete', async () => {
  const { made } = await swarmOf(3, [1]);
  await startInOrder(made);
  const outcomes = await withTimeout(Promise.all(made.map((p) => p.node.finished)), () => made.map((p, i) => `peer ${i + 1}:\n${p.diag.entries.map((e) => e.message).join('\n')}`).join('\n'));
  expect(outcomes).toEqual([{ kind: 'complete' }, { kind: 'complete' }, { kind: 'complete' }]);
  for (const peer of made) {
    expect(peer.data.bytes.equals(CONTENT)).toBe(true);
    expect(peer.closed()).toBe(true);
    expect(peer.events[0]).toBe('listening');
    expect(peer.events.at(-1)).toBe('allComplete');
  }
  // The leechers told of their completion; the seeder, which started complete, did not.
  expect(made.map((p) => p.events.filter((e) => e === 'downloadComplete').length)).toEqual([0, 1, 1]);
  // The seeder learnt that each leecher completed (redundant haves), so it could end too.
  const seederLog = made[0].diag.entries.map((e) => e.message);
  expect(seederLog).toContain('peer 2 has the complete file (1 of the 2 other peers known complete)');
  expect(seederLog).toContain('every peer listed in PeerInfo.cfg has the complete file: closing connections');
  expect(made[1].node.stats.bytesDownloaded).toBeGreaterThanOrEqual(CONTENT.length);
  expect([...made[0].node.stats.perNeighbour().keys()].sort()).toEqual([2, 3]);
});

test('status mid-run, pause and resume: a paused leecher keeps its pieces and leaves its neighbours; resumed, it finishes', async () => {
  // The seeder uploads 64 KiB/s on a manual clock: nothing moves past its first burst until the test moves time.
  const limits = new Map([[1, { uploadBytesPerSecond: 65_536 }]]);
  const { clock, made } = await swarmOf(2, [1], { limits });
  const [seeder, leecher] = made;
  await startInOrder(made);
  const step = async (ms: number) => {
    clock.advance(ms);
    await turnEventLoop(5);
  };
  while (leecher.data.bitfield.count < 2) await step(100);

  const status = leecher.node.status();
  expect(status).toMatchObject({ peerId: 2, state: 'running', pieceCount: LAYOUT.pieceCount, optimistic: null });
  expect(status.neighbours).toEqual([expect.objectContaining({ peerId: 1, direction: 'outbound', peerChoking: false, amInterested: true, piecesHeld: LAYOUT.pieceCount })]);
  expect(seeder.node.status().neighbours).toEqual([expect.objectContaining({ peerId: 2, direction: 'inbound', amChoking: false, preferred: true, peerInterested: true })]);
  expect(seeder.node.status().limits).toEqual({ uploadBytesPerSecond: 65_536 });

  await leecher.node.pause();
  const held = leecher.data.bitfield.count;
  expect(leecher.node.status()).toMatchObject({ state: 'paused', neighbours: [] });
  while (seeder.node.status().neighbours.length > 0) await step(100);
  for (let i = 0; i < 30; i++) await step(100); // three seconds: the seeder would have sent 3 pieces meanwhile
  expect(leecher.data.bitfield.count).toBe(held);

  await leecher.node.resume();
  expect(leecher.events).toEqual(['listening', 'connected', 'paused', 'resumed']);
  let settled = false;
  void Promise.all(made.map((p) => p.node.finished)).then(() => (settled = true));
  for (let i = 0; !settled && i < 400; i++) await step(100);
  expect(leecher.data.bytes.equals(CONTENT)).toBe(true);
  expect(await seeder.node.finished).toEqual({ kind: 'complete' });
});

test('alone and complete after a restart: it waits 30 s for someone, then takes the others to have finished', async () => {
  const { clock, made } = await swarmOf(3, [1], { resumed: true });
  const [seeder] = made;
  await seeder.node.start(); // the others finished and left while it was down: nobody comes
  let done = false;
  void seeder.node.finished.then(() => (done = true));
  clock.advance(29_000);
  await turnEventLoop(3);
  expect(done).toBe(false);
  clock.advance(1_000);
  await withTimeout(seeder.node.finished, 'the lone seeder to end');
  expect(seeder.diag.entries.map((e) => e.message)).toContain(
    'we hold the complete file and no peer came for 30 s: the others (2, 3 not seen complete) are taken to have finished',
  );
});

test('alone on a first start: it waits for the others as long as it takes', async () => {
  const { clock, made } = await swarmOf(2, [1]);
  await made[0].node.start();
  let done = false;
  void made[0].node.finished.then(() => (done = true));
  for (let i = 0; i < 10; i++) clock.advance(30_000);
  await turnEventLoop(3);
  expect(done).toBe(false);
});

test("the swarm's torrent is private (BEP 27): its extension handshake announces no peer exchange", async () => {
  const { made, peers } = await swarmOf(2, [1]);
  await made[0].node.start();
  const visitor = await RawBtPeer.connect(peers[0].port, LAYOUT.pieceCount, 'visitor');
  try {
    visitor.sendHandshake(META.infoHash, Buffer.from('-RW0100-visitor00001'));
    const message = await visitor.until(() => visitor.received('extended').find((m) => m.id === EXTENSION_HANDSHAKE_ID), 'an extension handshake');
    expect(parseExtensionHandshake(message.payload).extensions.has(UT_PEX)).toBe(false);
  } finally {
    visitor.destroy();
  }
});
