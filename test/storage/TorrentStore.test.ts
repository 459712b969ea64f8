import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { jest } from '@jest/globals';
import { Bitfield } from '../../src/core/Bitfield.js';
import { FileMap, type MappedFile } from '../../src/storage/FileMap.js';
import type { HashProgress } from '../../src/storage/pieceHashes.js';
import { TorrentStore, type TorrentStart, type TorrentStoreOptions } from '../../src/storage/TorrentStore.js';
import { knownBytes, makeTempDir, range, removeTempDir } from '../support/fixtures.js';
import { eventually } from '../support/polling.js';
import { ManualClock } from '../support/ManualClock.js';
import { ALBUM_FILES as FILES, ALBUM_PIECE as PIECE, refusal } from './albumTorrent.js';

const MAP = new FileMap(FILES, PIECE);
const DATA = knownBytes(MAP.totalLength, 11);

const sha1 = (data: Buffer) => createHash('sha1').update(data).digest();

/** What the metainfo's PieceVerifier would say for a torrent of `data`, counting its calls. */
function checkerFor(map: FileMap, data: Buffer) {
  const hashes = range(0, map.pieceCount).map((index) => sha1(pieceOf(map, data, index)));
  return { matches: jest.fn((index: number, digest: Buffer) => hashes[index].equals(digest)) };
}

function pieceOf(map: FileMap, data: Buffer, index: number): Buffer {
  return data.subarray(index * map.pieceLength, index * map.pieceLength + map.lengthOfPiece(index));
}

/** How this process has `file` open, one entry per descriptor: 'r' or 'rw' (Linux: /proc/self/fdinfo). */
function openModes(file: string): string[] {
  const real = fs.realpathSync(file);
  const modes: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) !== real) continue;
      const flags = parseInt(/^flags:\s*([0-7]+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1], 8);
      modes.push((flags & 3) === fs.constants.O_RDONLY ? 'r' : 'rw');
    } catch {
      // The descriptor closed while it was looked at (the directory listing's own, for one).
    }
  }
  return modes;
}

describe('TorrentStore', () => {
  let dir: string;
  let root: string;
  let resumeFile: string;
  const file = (...segments: string[]) => path.join(root, 'album', ...segments);
  /** The pieces the resume state on disk lists, as ranges. */
  const listed = () => {
    const state = JSON.parse(fs.readFileSync(resumeFile, 'utf8')) as { pieces: string };
    return (Bitfield.fromBytes(Buffer.from(state.pieces, 'hex'), MAP.pieceCount) as Bitfield).toRanges();
  };

  beforeEach(() => {
    dir = makeTempDir('swarmlab-torrentstore-');
    root = path.join(dir, 'downloads');
    resumeFile = path.join(root, '.swarmlab', '0123abcd.resume');
  });
  afterEach(() => removeTempDir(dir));

  const open = (overrides: Partial<TorrentStoreOptions> = {}) =>
    TorrentStore.open({ root, map: MAP, checker: checkerFor(MAP, DATA), mode: 'download', resumeFile, clock: new ManualClock(), ...overrides });

  /** A piece written as a download writes it, then marked held. */
  async function storePiece(store: TorrentStore, index: number, bytes = pieceOf(MAP, DATA, index)): Promise<boolean> {
    await store.writeUnverified(index, 0, [bytes]);
    return store.markVerified(index);
  }

  /** How the next start goes (a store opened, then closed). */
  async function nextStart(): Promise<TorrentStart> {
    const store = await open();
    await store.close();
    return store.start;
  }

  /** A download of every piece, closed: its resume state lists them all. */
  async function downloadAll(): Promise<void> {
    const store = await open();
    for (const index of range(0, MAP.pieceCount)) await storePiece(store, index);
    await store.close();
  }

  /** The torrent's files put there by something else (no resume state). */
  function placeFiles(): void {
    let at = 0;
    for (const f of FILES) {
      fs.mkdirSync(path.join(root, ...f.path.slice(0, -1)), { recursive: true });
      fs.writeFileSync(path.join(root, ...f.path), DATA.subarray(at, (at += f.length)));
    }
  }

  /** Moves a file's modification time, as `touch` does, without changing a byte. */
  const touch = (where: string) => fs.utimesSync(where, new Date(), new Date(fs.statSync(where).mtimeMs + 10_000));

  test('a fresh download (no bytes on disk, only empty files): nothing hashed, every file created with its folders, nothing held', async () => {
    fs.mkdirSync(path.join(root, 'album'), { recursive: true });
    fs.writeFileSync(file('empty'), '');
    fs.writeFileSync(file('a.bin'), '');
    const checker = checkerFor(MAP, DATA);
    const onHashProgress = jest.fn<(p: HashProgress) => void>();
    const store = await open({ checker, onHashProgress });
    expect(store.start).toEqual({ kind: 'fresh' });
    expect([store.bitfield.count, store.isComplete, store.bytesLeft]).toEqual([0, false, 17_001]);
    expect(onHashProgress).not.toHaveBeenCalled();
    expect(checker.matches).not.toHaveBeenCalled();
    FILES.forEach((f) => expect(fs.statSync(path.join(root, ...f.path)).size).toBe(f.length));
    // The resume state's folder was made, and the state written at once: the next start trusts it.
    expect(listed()).toBe('none');
    await store.close();
    expect(await nextStart()).toEqual({ kind: 'resumed', pieces: 0 });
  });

  test('verified pieces land across their files; blocks read back across file boundaries; bytesLeft counts what is missing', async () => {
    const store = await open();
    expect(await storePiece(store, 4)).toBe(true);
    expect(await storePiece(store, 1)).toBe(true);
    expect(await store.markVerified(1)).toBe(false);
    expect([store.has(1), store.has(4), store.has(0), store.bytesLeft]).toEqual([true, true, false, 17_001 - 4096 - 617]);
    // Piece 1 starts at byte 4096: a.bin ends 904 bytes into it, b.bin 3904 bytes into it.
    const across = async (index: number, begin: number, length: number) =>
      expect((await store.readBlock({ index, begin, length })).equals(DATA.subarray(index * PIECE + begin, index * PIECE + begin + length))).toBe(true);
    await across(1, 800, 1000);
    await across(1, 3800, 296);
    await across(4, 0, 617);
    await expect(store.readBlock({ index: 0, begin: 0, length: 16 })).rejects.toThrow(new RangeError('piece 0 is not held'));
    await expect(store.writeUnverified(1, 0, [Buffer.alloc(100)])).rejects.toThrow(new RangeError('piece 1 is held: its bytes are not written again'));
    expect((await store.readPiece(1)).equals(pieceOf(MAP, DATA, 1))).toBe(true);
    await expect(store.writeUnverified(2, 4000, [Buffer.alloc(50), Buffer.alloc(50)])).rejects.toThrow(/bytes 4000..4100 are not inside piece 2/);
    await expect(store.writeUnverified(5, 0, [Buffer.alloc(100)])).rejects.toThrow(/piece 5 out of range/);
    for (const index of [3, 0, 2]) await storePiece(store, index);
    expect([store.isComplete, store.bytesLeft]).toEqual([true, 0]);
    await store.close();
    let at = 0;
    for (const f of FILES) expect(fs.readFileSync(path.join(root, ...f.path)).equals(DATA.subarray(at, (at += f.length)))).toBe(true);
  });

  test('bytes written but not verified are not held: not counted, not served, not listed, and a restart lacks them', async () => {
    const store = await open();
    const piece = pieceOf(MAP, DATA, 3);
    await store.writeUnverified(3, 0, [piece.subarray(0, 1000)]);
    await store.writeUnverified(3, 1000, [piece.subarray(1000, 3000), piece.subarray(3000)]);
    expect([store.has(3), store.bitfield.count, store.bytesLeft]).toEqual([false, 0, 17_001]);
    await expect(store.readBlock({ index: 3, begin: 0, length: 16 })).rejects.toThrow(new RangeError('piece 3 is not held'));
    expect((await store.readPiece(3)).equals(piece)).toBe(true); // what a blame check reads
    await store.close();
    expect(listed()).toBe('none');
    expect(await nextStart()).toEqual({ kind: 'resumed', pieces: 0 });
  });

  test('two marks of the same piece at once: one marks it, the other returns false', async () => {
    const store = await open();
    await store.writeUnverified(2, 0, [pieceOf(MAP, DATA, 2)]);
    const results = await Promise.all([store.markVerified(2), store.markVerified(2)]);
    expect(results.sort()).toEqual([false, true]);
    expect([store.bitfield.count, store.bytesLeft]).toEqual([1, 17_001 - 4096]);
    await store.close();
  });

  test('pieces written together are marked one at a time: each writer, resuming, sees the count its own piece made', async () => {
    const store = await open();
    const counts = await Promise.all([0, 2, 3].map((index) => storePiece(store, index).then(() => store.bitfield.count)));
    expect(counts.sort()).toEqual([1, 2, 3]);
    await store.close();
  });

  test('a checkpoint follows the writes after the delay on the injected clock, batched', async () => {
    const clock = new ManualClock();
    const store = await open({ clock, checkpointDelayMs: 250 });
    await storePiece(store, 0);
    await storePiece(store, 2);
    expect(clock.pendingTimers).toBe(1);
    expect(listed()).toBe('none');
    clock.advance(250);
    await store.checkpoint(); // waits for the one the timer started
    expect(listed()).toBe('0,2');
    await store.close();
  });

  test('the last piece is checkpointed at once, without waiting for the timer', async () => {
    const clock = new ManualClock();
    const store = await open({ clock });
    for (const index of range(0, MAP.pieceCount)) await storePiece(store, index);
    // The clock never moves, and its timer is gone: only a checkpoint started by the last piece can list them all.
    expect(clock.pendingTimers).toBe(0);
    await eventually(() => listed() === '0-4', 'the resume state to list every piece');
    await store.close();
  });

  test('reopened after close: resumed from the state without hashing anything; the totals carry over', async () => {
    const first = await open();
    for (const index of [0, 1, 3]) await storePiece(first, index);
    first.recordTransfer(12_288, 700);
    await first.close();
    const checker = checkerFor(MAP, DATA);
    const onHashProgress = jest.fn<(p: HashProgress) => void>();
    const second = await open({ checker, onHashProgress });
    expect(second.start).toEqual({ kind: 'resumed', pieces: 3 });
    expect(onHashProgress).not.toHaveBeenCalled();
    expect(checker.matches).not.toHaveBeenCalled();
    expect(range(0, 5).map((index) => second.has(index))).toEqual([true, true, false, true, false]);
    expect(second.totals).toEqual({ bytesDownloaded: 12_288, bytesUploaded: 700 });
    expect((await second.readBlock({ index: 3, begin: 0, length: PIECE })).equals(pieceOf(MAP, DATA, 3))).toBe(true);
    second.recordTransfer(10, 20);
    await second.close();
    const third = await open();
    expect(third.totals).toEqual({ bytesDownloaded: 12_298, bytesUploaded: 720 });
    await third.close();
  });

  test('a touched file: everything rechecked, every good piece kept, and the new state trusted next time', async () => {
    await downloadAll();
    touch(file('sub', 'deeper', 'b.bin'));
    const onHashProgress = jest.fn<(p: HashProgress) => void>();
    const store = await open({ onHashProgress });
    expect(store.start).toEqual({ kind: 'rechecked', pieces: 5, why: `${file('sub', 'deeper', 'b.bin')} changed after the resume state was written` });
    expect(onHashProgress).toHaveBeenCalledTimes(5);
    expect(onHashProgress).toHaveBeenLastCalledWith({ piecesDone: 5, pieceCount: 5, bytesDone: 17_001, bytesTotal: 17_001 });
    await store.close();
    expect(await nextStart()).toEqual({ kind: 'resumed', pieces: 5 });
  });

  test('a modified file: its changed piece is dropped, the others kept, and it can be downloaded again', async () => {
    await downloadAll();
    const c = file('sub', 'c.bin');
    const bytes = fs.readFileSync(c);
    bytes[3 * PIECE + 10 - 8000] ^= 0xff; // a byte of piece 3, which c.bin holds from its byte 8000 of the torrent
    fs.writeFileSync(c, bytes);
    touch(c); // a different time for sure, however coarse the file system's clock
    const store = await open();
    expect(store.start).toMatchObject({ kind: 'rechecked', pieces: 4 });
    expect([store.has(3), store.bytesLeft]).toEqual([false, 4096]);
    expect(await storePiece(store, 3)).toBe(true);
    await store.close();
    expect(fs.readFileSync(c).equals(DATA.subarray(8000))).toBe(true);
  });

  test('no resume state: the files there are rechecked and reused; a missing or short file is not hashed, its pieces are missing', async () => {
    placeFiles();
    fs.rmSync(file('sub', 'deeper', 'b.bin'));
    fs.truncateSync(file('sub', 'c.bin'), 5000); // c.bin now holds the torrent's bytes 8000-13000: all of piece 2 only
    const onHashProgress = jest.fn<(p: HashProgress) => void>();
    const store = await open({ onHashProgress });
    expect(store.start).toEqual({ kind: 'rechecked', pieces: 2, why: 'no resume state' });
    expect(range(0, 5).filter((index) => store.has(index))).toEqual([0, 2]);
    expect(onHashProgress).toHaveBeenLastCalledWith({ piecesDone: 2, pieceCount: 2, bytesDone: 8192, bytesTotal: 8192 });
    expect([fs.statSync(file('sub', 'deeper', 'b.bin')).size, fs.statSync(file('sub', 'c.bin')).size]).toEqual([3000, 9001]);
    await store.close();
  });

  describe('a resume state that does not fit is not trusted, says why, and keeps the totals', () => {
    const otherPieces = new FileMap(FILES, 8192);
    const otherFiles = new FileMap(
      FILES.map((f, i) => (i === 3 ? { ...f, path: ['album', 'sub', 'c2.bin'] } : f)),
      PIECE,
    );
    test.each<[string, () => Promise<void>, string, number]>([
      ['not JSON', async () => fs.writeFileSync(resumeFile, '{"format":'), 'the resume state is not valid JSON', 0],
      // Written by a store of another torrent in the same folder, which carried the totals over.
      [
        'for other pieces',
        () => open({ map: otherPieces, checker: checkerFor(otherPieces, DATA) }).then((s) => s.close()),
        'the resume state is for 17001 bytes in 3 pieces of 8192, not 17001 in 5 of 4096',
        4096,
      ],
      ['for other files', () => open({ map: otherFiles }).then((s) => s.close()), 'the resume state does not list album/sub/c.bin (9001 bytes) as file 4', 4096],
    ])('%s', async (_name, writeOtherState, why, bytesDownloaded) => {
      const first = await open();
      await storePiece(first, 0);
      first.recordTransfer(4096, 0);
      await first.close();
      await writeOtherState();
      const store = await open();
      expect(store.start).toEqual({ kind: 'rechecked', pieces: 1, why });
      expect(store.totals).toEqual({ bytesDownloaded, bytesUploaded: 0 });
      await store.close();
    });
  });

  describe('seed mode', () => {
    const seed = (overrides: Partial<TorrentStoreOptions> = {}) => open({ mode: 'seed', ...overrides });

    test('complete data: every piece, hashed once (no resume state), then resumed; the files are open read-only', async () => {
      placeFiles();
      const store = await seed();
      expect(store.start).toEqual({ kind: 'rechecked', pieces: 5, why: 'no resume state' });
      expect([store.isComplete, store.bytesLeft]).toEqual([true, 0]);
      expect((await store.readBlock({ index: 1, begin: 0, length: PIECE })).equals(pieceOf(MAP, DATA, 1))).toBe(true);
      expect([openModes(file('a.bin')), openModes(file('sub', 'deeper', 'b.bin')), openModes(file('sub', 'c.bin'))]).toEqual([['r'], ['r'], ['r']]);
      await expect(store.writeUnverified(1, 0, [pieceOf(MAP, DATA, 1)])).rejects.toThrow(new RangeError('piece 1 is held: its bytes are not written again'));
      expect(await store.markVerified(1)).toBe(false);
      await store.close();
      expect(openModes(file('a.bin'))).toEqual([]);
      const checker = checkerFor(MAP, DATA);
      const again = await seed({ checker });
      expect(again.start).toEqual({ kind: 'resumed', pieces: 5 });
      expect(checker.matches).not.toHaveBeenCalled();
      await again.close();
    });

    test('a finished download is seeded from its resume state, read-only', async () => {
      await downloadAll();
      const store = await seed();
      expect(store.start).toEqual({ kind: 'resumed', pieces: 5 });
      await store.readBlock({ index: 0, begin: 0, length: 10 });
      expect(openModes(file('a.bin'))).toEqual(['r']);
      await store.close();
    });

    test('corrupted pieces: refused, naming the pieces as ranges and the files they are in; nothing left open', async () => {
      placeFiles();
      const corrupt = (where: string, at: number) => {
        const bytes = fs.readFileSync(where);
        bytes[at] ^= 0xff;
        fs.writeFileSync(where, bytes);
      };
      corrupt(file('sub', 'c.bin'), 3 * PIECE - 8000);
      const one = await refusal(seed());
      expect(one).toMatchObject({ code: 'seed-data-mismatch', message: `${fs.realpathSync(root)}: piece 3 of 5 does not match the torrent (in album/sub/c.bin)` });
      corrupt(file('sub', 'deeper', 'b.bin'), 0);
      corrupt(file('sub', 'c.bin'), 4 * PIECE - 8000);
      const many = await refusal(seed());
      expect(many.message).toBe(`${fs.realpathSync(root)}: pieces 1,3-4 of 5 do not match the torrent (in album/a.bin, album/sub/deeper/b.bin, album/sub/c.bin)`);
      expect(openModes(file('sub', 'c.bin'))).toEqual([]);
      expect(fs.existsSync(path.dirname(resumeFile))).toBe(false);
    });

    test('a resume state that lacks pieces: only those are hashed, and must match', async () => {
      const partial = await open();
      for (const index of [0, 1, 2, 3]) await storePiece(partial, index);
      await partial.close();
      const onHashProgress = jest.fn<(p: HashProgress) => void>();
      const error = await refusal(seed({ onHashProgress }));
      expect(error.message).toMatch(/: piece 4 of 5 does not match the torrent \(in album\/sub\/c\.bin\)$/);
      expect(onHashProgress).toHaveBeenLastCalledWith({ piecesDone: 1, pieceCount: 1, bytesDone: 617, bytesTotal: 617 });
    });

    test('a missing file, the 0-byte one included, is named; nothing is created', async () => {
      placeFiles();
      fs.rmSync(file('empty'));
      const error = await refusal(seed());
      expect(error).toMatchObject({ code: 'seed-file-missing', message: `${path.join(fs.realpathSync(root), 'album', 'empty')}: a complete file is missing` });
      expect(fs.existsSync(file('empty'))).toBe(false);
      expect(fs.existsSync(path.dirname(resumeFile))).toBe(false);
    });
  });

  test('a download reopens its complete files read-only, the others writable', async () => {
    const first = await open();
    for (const index of [0, 1]) await storePiece(first, index);
    await first.close();
    const store = await open();
    await store.readBlock({ index: 1, begin: 0, length: PIECE });
    // a.bin and b.bin lie in pieces 0 and 1 only; c.bin is in pieces 1-4.
    expect([openModes(file('a.bin')), openModes(file('sub', 'deeper', 'b.bin')), openModes(file('sub', 'c.bin'))]).toEqual([['r'], ['r'], ['rw']]);
    await store.close();
  });

  test('padding files (BEP 47): never on disk, read as zeros, and rechecked as zeros', async () => {
    const files: MappedFile[] = [
      { path: ['t', 'a'], length: 5000 },
      { path: ['t', '.pad', '3192'], length: 3192, padding: true },
      { path: ['t', 'b'], length: 9001 },
    ];
    const map = new FileMap(files, PIECE);
    const data = knownBytes(map.totalLength, 4);
    data.fill(0, 5000, 8192);
    const withPadding = (overrides: Partial<TorrentStoreOptions> = {}) => open({ map, checker: checkerFor(map, data), ...overrides });
    const store = await withPadding();
    for (const index of range(0, map.pieceCount)) await storePiece(store, index, pieceOf(map, data, index));
    expect((await store.readBlock({ index: 1, begin: 0, length: PIECE })).equals(pieceOf(map, data, 1))).toBe(true);
    await store.close();
    expect(fs.readdirSync(path.join(root, 't')).sort()).toEqual(['a', 'b']);
    fs.rmSync(resumeFile);
    const again = await withPadding();
    expect(again.start).toEqual({ kind: 'rechecked', pieces: map.pieceCount, why: 'no resume state' });
    await again.close();
    const seeding = await withPadding({ mode: 'seed' });
    expect(seeding.start).toEqual({ kind: 'resumed', pieces: map.pieceCount });
    await seeding.close();
  });

  test('close waits for a piece being marked, checkpoints it, and is idempotent; the store refuses work after it', async () => {
    const clock = new ManualClock();
    const store = await open({ clock });
    await store.writeUnverified(2, 0, [pieceOf(MAP, DATA, 2)]);
    const writing = store.markVerified(2);
    await Promise.all([store.close(), store.close()]);
    expect(await writing).toBe(true);
    expect(listed()).toBe('2');
    await store.close();
    await expect(store.readBlock({ index: 2, begin: 0, length: 1 })).rejects.toThrow('the torrent store is closed');
    await expect(store.writeUnverified(3, 0, [pieceOf(MAP, DATA, 3)])).rejects.toThrow('the torrent store is closed');
    await expect(store.markVerified(3)).rejects.toThrow('the torrent store is closed');
    store.recordTransfer(1, 1);
    expect(clock.pendingTimers).toBe(0);
  });

  test('a checkpoint that fails names the resume state, and the next one still lists what was written', async () => {
    const store = await open();
    await storePiece(store, 0);
    const folder = path.dirname(resumeFile);
    fs.rmSync(folder, { recursive: true });
    fs.writeFileSync(folder, 'in the way');
    const error = await refusal(store.checkpoint());
    expect(error.message).toMatch(new RegExp(`^${resumeFile}: ENOTDIR`));
    fs.rmSync(folder);
    fs.mkdirSync(folder);
    await store.close();
    expect(listed()).toBe('0');
  });
});
