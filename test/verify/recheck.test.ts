/**
 * Checking a file against the metainfo at start-up: when a PieceStore with a
 * verifier rechecks (a seeder's file; a partial file without a trusted resume
 * state; a file changed since its resume state), what it keeps, and when a
 * resume state is trusted without a rehash. PieceStore directly on a
 * ManualClock for the fine-grained cases; real peerProcess processes for one
 * crash-free restart story end to end.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { makeTorrent } from '../../src/metainfo/makeTorrent.js';
import { PieceVerifier } from '../../src/metainfo/PieceVerifier.js';
import { Bitfield } from '../../src/core/Bitfield.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { PieceStore, type PieceStoreOptions } from '../../src/storage/PieceStore.js';
import { readResumeState, resumePath } from '../../src/storage/ResumeState.js';
import { ManualClock } from '../support/ManualClock.js';
import { allPieces } from '../support/MemoryPieceStore.js';
import { knownBytes, makeTempDir, pieceOf, removeTempDir } from '../support/fixtures.js';
import { readProtocolLog } from '../support/logChecks.js';
import { PeerProcess } from '../support/peerProcesses.js';
import { eventually } from '../support/polling.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';
import { requireBuild, terminate } from './processes.js';

/** Builds a verifier the way a peer does: make the .torrent of the good file, parse it back. */
async function verifierFor(good: Buffer, layout: PieceLayout, dir: string): Promise<PieceVerifier> {
  const source = path.join(dir, 'original.dat');
  fs.writeFileSync(source, good);
  const torrentFile = path.join(dir, 'original.torrent');
  fs.writeFileSync(torrentFile, await makeTorrent(source, { pieceSize: layout.pieceSize }));
  fs.rmSync(source);
  return new PieceVerifier(parseMetaInfo(fs.readFileSync(torrentFile), torrentFile));
}

function flipByteIn(bytes: Buffer, layout: PieceLayout, index: number): void {
  bytes[layout.offsetOf(index) + (layout.pieceLength(index) >> 1)] ^= 0x5a;
}

function indicesOf(bits: Bitfield): number[] {
  return allPieces(bits.pieceCount).filter((i) => bits.has(i));
}

describe('PieceStore with a verifier', () => {
  // 10 pieces of 1000 bytes, the last one 500.
  const layout = new PieceLayout(9 * 1000 + 500, 1000);
  const N = layout.pieceCount;
  const good = knownBytes(layout.fileSize, 31);
  const ROUND_MTIME_S = 1_700_000_000; // a whole second: exactly representable as mtimeMs

  let dir: string;
  let verifier: PieceVerifier;
  let clock: ManualClock;
  const open: PieceStore[] = [];

  beforeEach(async () => {
    dir = makeTempDir('swarmlab-recheck-');
    verifier = await verifierFor(good, layout, dir);
    clock = new ManualClock(5_000);
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close().catch(() => {});
    removeTempDir(dir);
  });

  const peerDir = () => path.join(dir, 'peer_7');
  const dataFile = () => path.join(peerDir(), 'shared.dat');

  async function openStore(options: Partial<PieceStoreOptions> = {}): Promise<PieceStore> {
    const store = await PieceStore.open({ dir: peerDir(), fileName: 'shared.dat', layout, complete: false, clock, checkpointDelayMs: 250, ...options });
    open.push(store);
    return store;
  }

  async function closeStore(store: PieceStore): Promise<void> {
    open.splice(open.indexOf(store), 1);
    await store.close();
  }

  function writeDataFile(bytes: Buffer): void {
    fs.mkdirSync(peerDir(), { recursive: true });
    fs.writeFileSync(dataFile(), bytes);
  }

  /** A recheck, recording the good pieces in the order reported. */
  async function recheck(store: PieceStore): Promise<{ failed: number[]; good: number[] }> {
    const reported: number[] = [];
    const failed = await store.recheck(verifier, (i) => reported.push(i));
    return { failed, good: reported };
  }

  /**
   * A leecher's earlier run: pieces `held` written and verified, some transfer
   * totals, and a resume state whose recorded mtime is a whole second.
   */
  async function earlierRun(held: number[]): Promise<void> {
    const store = await openStore({ verifier });
    expect(store.start).toEqual({ kind: 'fresh', why: 'no resume state' });
    for (const i of held) expect(await store.writePiece(i, pieceOf(good, layout, i))).toBe(true);
    fs.utimesSync(dataFile(), ROUND_MTIME_S, ROUND_MTIME_S);
    store.recordTransfer(6000, 1234);
    await closeStore(store);
    const state = JSON.parse(fs.readFileSync(resumePath(dataFile()), 'utf8'));
    expect(state.fileMtimeMs).toBe(ROUND_MTIME_S * 1000);
  }

  /** Changes bytes of a piece on disk, then sets the mtime (back to the recorded one, or not). */
  function tamper(index: number, mtimeS: number): void {
    const handle = fs.openSync(dataFile(), 'r+');
    try {
      fs.writeSync(handle, Buffer.alloc(10, 0xee), 0, 10, layout.offsetOf(index));
    } finally {
      fs.closeSync(handle);
    }
    fs.utimesSync(dataFile(), mtimeS, mtimeS);
  }

  test('a leecher with a partial file and no resume state rechecks it: the good pieces are kept, the bad ones named', async () => {
    const partial = Buffer.from(good);
    partial.fill(0, layout.offsetOf(2), layout.offsetOf(3)); // never written
    partial.fill(0, layout.offsetOf(5), layout.offsetOf(6));
    flipByteIn(partial, layout, N - 1); // a torn or damaged last piece
    writeDataFile(partial);

    const store = await openStore({ verifier });
    expect(store.start).toEqual({ kind: 'recheck', why: 'no resume state' });
    expect(store.bitfield.count).toBe(0); // nothing counts before the check
    // The untrusted state is replaced at once: a crash now cannot resurrect anything.
    const before = await readResumeState(dataFile(), layout);
    expect(before.trusted && before.pieces.count).toBe(0);

    const { failed, good: reported } = await recheck(store);
    expect(failed).toEqual([2, 5, N - 1]);
    expect(reported).toEqual([0, 1, 3, 4, 6, 7, 8]); // each good piece reported once, in order (announced at once)
    expect(indicesOf(store.bitfield)).toEqual(reported);
    expect(fs.readFileSync(dataFile()).equals(partial)).toBe(true); // nothing was discarded
    for (const i of reported) expect(await store.readPiece(i)).toEqual(pieceOf(good, layout, i));

    // The found pieces reach the resume state at the next checkpoint, on the store's clock.
    const beforeCheckpoint = await readResumeState(dataFile(), layout);
    expect(beforeCheckpoint.trusted && beforeCheckpoint.pieces.count).toBe(0);
    clock.advance(250);
    await store.checkpoint();
    const after = await readResumeState(dataFile(), layout);
    expect(after.trusted && indicesOf(after.pieces)).toEqual(reported);

    // Download the rest, close, reopen: now trusted as is.
    for (const i of failed) expect(await store.writePiece(i, pieceOf(good, layout, i))).toBe(true);
    await closeStore(store);
    expect(fs.readFileSync(dataFile()).equals(good)).toBe(true);
    const again = await openStore({ verifier });
    expect(again.start).toEqual({ kind: 'resumed', pieces: N });
    expect(again.bitfield.isComplete).toBe(true);
  });

  test("a resume state matching the file's size and mtime is trusted without a rehash", async () => {
    await earlierRun([0, 1, 2, 3, 4, 5]);
    // Piece 3 is changed behind the store's back, and the mtime put back: only a rehash could tell.
    tamper(3, ROUND_MTIME_S);

    const store = await openStore({ verifier });
    expect(store.start).toEqual({ kind: 'resumed', pieces: 6 });
    expect(indicesOf(store.bitfield)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(store.totals).toEqual({ bytesDownloaded: 6000, bytesUploaded: 1234 });
    // Not rehashed: the changed piece still counts as held (what a resume state is for: no start-up cost).
    expect(verifier.verify(3, await store.readPiece(3))).toBe(false);
    // The resume state was left as it was (nothing changed, nothing written).
    expect(JSON.parse(fs.readFileSync(resumePath(dataFile()), 'utf8')).fileMtimeMs).toBe(ROUND_MTIME_S * 1000);
  });

  test('touching the file (a new mtime) makes it recheck; the change is caught and the totals survive', async () => {
    await earlierRun([0, 1, 2, 3, 4, 5]);
    tamper(3, ROUND_MTIME_S + 60);

    const store = await openStore({ verifier });
    expect(store.start).toEqual({ kind: 'recheck', why: 'the file changed after its resume state was written' });
    expect(store.bitfield.count).toBe(0);
    const replaced = await readResumeState(dataFile(), layout);
    expect(replaced.trusted && replaced.pieces.count).toBe(0);
    expect(replaced.totals).toEqual({ bytesDownloaded: 6000, bytesUploaded: 1234 });

    const { failed, good: reported } = await recheck(store);
    expect(reported).toEqual([0, 1, 2, 4, 5]);
    expect(failed).toEqual([3, 6, 7, 8, 9]);
    expect(store.totals).toEqual({ bytesDownloaded: 6000, bytesUploaded: 1234 });
  });

  test('only the mtime changed (same bytes): it rechecks, and keeps every piece', async () => {
    await earlierRun([0, 2, 4, 6, 8]);
    fs.utimesSync(dataFile(), ROUND_MTIME_S + 1, ROUND_MTIME_S + 1);
    const store = await openStore({ verifier });
    expect(store.start.kind).toBe('recheck');
    const { failed, good: reported } = await recheck(store);
    expect(reported).toEqual([0, 2, 4, 6, 8]);
    expect(failed).toEqual([1, 3, 5, 7, 9]);
  });

  test('without a verifier, the same touched file is trusted from its resume state; a partial file without one is discarded', async () => {
    await earlierRun([0, 1, 2]);
    tamper(1, ROUND_MTIME_S + 60);
    const trusted = await openStore();
    expect(trusted.start).toEqual({ kind: 'resumed', pieces: 3 });
    await closeStore(trusted);

    fs.rmSync(resumePath(dataFile()));
    const fresh = await openStore();
    expect(fresh.start).toEqual({ kind: 'fresh', why: 'no resume state' });
    expect(fresh.bitfield.count).toBe(0);
    expect(fs.readFileSync(dataFile()).equals(Buffer.alloc(layout.fileSize))).toBe(true);
  });

  test('a seeder with a verifier starts in recheck and holds only the pieces that pass; without one it is trusted whole', async () => {
    const bad = Buffer.from(good);
    flipByteIn(bad, layout, 4);
    writeDataFile(bad);

    const checked = await openStore({ complete: true, verifier });
    expect(checked.start).toEqual({ kind: 'recheck', why: 'no resume state' });
    expect(checked.bitfield.count).toBe(0);
    const { failed, good: reported } = await recheck(checked);
    expect(failed).toEqual([4]);
    expect(reported).toEqual(allPieces(N).filter((i) => i !== 4));
    expect(checked.has(4)).toBe(false);
    await expect(checked.readPiece(4)).rejects.toThrow(RangeError); // never served
    await closeStore(checked);

    fs.rmSync(resumePath(dataFile()));
    const trusted = await openStore({ complete: true });
    expect(trusted.start).toEqual({ kind: 'seed' });
    expect(trusted.bitfield.isComplete).toBe(true);
  });
});

describe('a real leecher restarted against the metainfo', () => {
  let setup: SwarmSetup | undefined;
  const started: PeerProcess[] = [];

  beforeAll(requireBuild);
  afterEach(async () => {
    for (const peer of started.splice(0)) await peer.kill();
    setup?.remove();
    setup = undefined;
  });

  function start(peerId: number, s: SwarmSetup): PeerProcess {
    const peer = PeerProcess.start(peerId, s);
    started.push(peer);
    return peer;
  }

  test('resume state trusted without a rehash; deleted, it rechecks, keeps its good pieces and finishes identical', async () => {
    const s = await makeSwarmDir({ peers: 2, fileSize: 100_003, pieceSize: 2048 });
    setup = s;
    const layout = new PieceLayout(s.fileSize, s.pieceSize);
    const N = layout.pieceCount; // 49
    const good = knownBytes(s.fileSize, 77);
    const damaged = [3, 20, N - 1];
    const kept = N - damaged.length;
    const logDir = path.join(s.root, 'logs');
    const fileOf = (id: number) => path.join(s.root, 'peers', `peer_${id}`, s.fileName);
    const debugLog = (id: number) => fs.readFileSync(path.join(logDir, `log_peer_${id}.debug.log`), 'utf8');
    const downloads = (id: number) => readProtocolLog(logDir, id).filter((e) => e.kind === 'downloadedPiece');

    // The .torrent of the good file; seeder 1001 holds a copy with three damaged pieces.
    fs.mkdirSync(path.join(s.root, 'original'));
    fs.writeFileSync(path.join(s.root, 'original', s.fileName), good);
    fs.writeFileSync(path.join(s.root, 'swarm.torrent'), await makeTorrent(path.join(s.root, 'original', s.fileName), { pieceSize: s.pieceSize }));
    fs.appendFileSync(path.join(s.root, 'Common.cfg'), 'MetaInfo swarm.torrent\n');
    const bad = Buffer.from(good);
    for (const i of damaged) flipByteIn(bad, layout, i);
    fs.mkdirSync(path.dirname(fileOf(1001)), { recursive: true });
    fs.writeFileSync(fileOf(1001), bad);

    // ---- run 1: leecher 1002 gets every good piece the damaged seeder has, then is stopped ----
    const seeder1 = start(1001, s);
    await seeder1.listening();
    const leecher1 = start(1002, s);
    await eventually(
      () => fs.existsSync(path.join(logDir, 'log_peer_1002.log')) && downloads(1002).length === kept,
      `1002 to download the ${kept} good pieces`,
      20_000,
      20,
    );
    expect(await terminate(leecher1)).toBe(130);
    expect(await terminate(seeder1)).toBe(130);
    const state = await readResumeState(fileOf(1002), layout);
    expect(state.trusted && indicesOf(state.pieces)).toEqual(allPieces(N).filter((i) => !damaged.includes(i)));

    // ---- run 2: the resume state fits the file: trusted, no rehash ----
    fs.rmSync(logDir, { recursive: true });
    const leecher2 = start(1002, s);
    await leecher2.listening();
    expect(await terminate(leecher2)).toBe(130);
    const run2 = debugLog(1002);
    expect(run2).toContain(`our bitfield: ${kept}/${N} pieces`);
    expect(run2).toContain(`resumed ${kept} pieces from the resume state`);
    expect(run2).not.toContain('checking');
    expect(run2).not.toContain('check done');

    // ---- run 3: no resume state (deleted), the seeder's file repaired: recheck, then finish ----
    fs.rmSync(logDir, { recursive: true });
    fs.rmSync(resumePath(fileOf(1002)));
    fs.writeFileSync(fileOf(1001), good);
    const seeder3 = start(1001, s);
    await seeder3.listening();
    const leecher3 = start(1002, s);
    expect(await leecher3.finished(30_000)).toEqual({ code: 0, signal: null });
    expect(await seeder3.finished(30_000)).toEqual({ code: 0, signal: null });

    const run3 = debugLog(1002);
    expect(run3).toContain('checking the file against the metainfo (no resume state)');
    expect(run3).toMatch(new RegExp(`checking .*${s.fileName} against the metainfo: 100% \\(${kept} good pieces so far\\)`));
    expect(run3).toContain(`check done: ${kept} of ${N} pieces pass their SHA-1 check; the other ${damaged.length} will be downloaded`);
    // It kept the good pieces: only the damaged ones were downloaded again, the count continuing from what it kept.
    const again = downloads(1002);
    expect(again.length).toBeLessThan(N);
    expect(again.map((e) => e.index).sort((a, b) => a - b)).toEqual(damaged);
    expect(again.map((e) => e.count)).toEqual([kept + 1, kept + 2, kept + 3]);
    expect(readProtocolLog(logDir, 1002).filter((e) => e.kind === 'completeFile')).toHaveLength(1);
    expect(fs.readFileSync(fileOf(1002)).equals(good)).toBe(true);
    // The seeder, its file changed since its own resume state, rechecked it too.
    expect(debugLog(1001)).toContain('checking the file against the metainfo (the file changed after its resume state was written)');
    expect(debugLog(1001)).toContain(`check done: ${N} of ${N} pieces pass their SHA-1 check`);
  }, 90_000);
});
