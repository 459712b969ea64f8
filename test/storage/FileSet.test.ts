import * as fs from 'fs';
import * as path from 'path';
import { FileMap, type MappedFile } from '../../src/storage/FileMap.js';
import { FileSet } from '../../src/storage/FileSet.js';
import { knownBytes, makeTempDir, range, removeTempDir } from '../support/fixtures.js';
import { ALBUM_FILES as FILES, ALBUM_PIECE as PIECE, refusal } from './albumTorrent.js';

const DATA = knownBytes(17_001, 5);

function fileBytes(files: MappedFile[], data: Buffer): Buffer[] {
  let at = 0;
  return files.map((file) => data.subarray(at, (at += file.length)));
}

async function writeAll(set: FileSet, data: Buffer, blockLength: number): Promise<void> {
  const { map } = set;
  // Blocks in a scrambled order: every piece's position is its own, not the order of arrival.
  const blocks = range(0, map.pieceCount).flatMap((index) => range(0, Math.ceil(map.lengthOfPiece(index) / blockLength)).map((b) => [index, b * blockLength]));
  for (const [index, begin] of blocks.reverse()) {
    const start = index * map.pieceLength + begin;
    await set.write(index, begin, [data.subarray(start, Math.min(start + blockLength, index * map.pieceLength + map.lengthOfPiece(index)))]);
  }
}

describe('FileSet', () => {
  let dir: string;
  let root: string;
  beforeEach(() => {
    dir = makeTempDir('swarmlab-fileset-');
    root = path.join(dir, 'downloads');
  });
  afterEach(() => removeTempDir(dir));

  test('creates the folder tree and every file, the 0-byte one too, each at its length', async () => {
    expect(new FileMap(FILES, PIECE).filesOfPiece(1)).toEqual([0, 2, 3]);
    const set = await FileSet.open(root, new FileMap(FILES, PIECE));
    await set.close();
    for (const file of FILES) expect(fs.statSync(path.join(root, ...file.path)).size).toBe(file.length);
    expect(fs.readdirSync(path.join(root, 'album')).sort()).toEqual(['a.bin', 'empty', 'sub']);
  });

  test('blocks written in any order land in the right files at the right places, and read back across files', async () => {
    const set = await FileSet.open(root, new FileMap(FILES, PIECE));
    await writeAll(set, DATA, 1024);
    fileBytes(FILES, DATA).forEach((expected, i) => expect(fs.readFileSync(path.join(root, ...FILES[i].path)).equals(expected)).toBe(true));
    expect((await set.read(1, 0, PIECE)).equals(DATA.subarray(PIECE, 2 * PIECE))).toBe(true);
    expect((await set.read(1, 900, 3000)).equals(DATA.subarray(PIECE + 900, PIECE + 3900))).toBe(true);
    expect((await set.read(4, 0, 17_001 - 4 * PIECE)).equals(DATA.subarray(4 * PIECE))).toBe(true);
    await set.close();
  });

  test('a run of blocks is written as one, cut where the files meet (piece 1 spans a.bin, the empty file and b.bin)', async () => {
    const set = await FileSet.open(root, new FileMap(FILES, PIECE));
    await writeAll(set, Buffer.alloc(DATA.length), 1024);
    // Blocks of uneven sizes, one of them across the a.bin/b.bin boundary (byte 5000 = piece 1 + 904).
    const start = PIECE + 100;
    const blocks = [300, 700, 1500, 1].reduce<Buffer[]>((run, length) => {
      const at = start + run.reduce((sum, b) => sum + b.length, 0);
      return [...run, Buffer.from(DATA.subarray(at, at + length))];
    }, []);
    await set.write(1, 100, blocks);
    const whole = Buffer.alloc(DATA.length);
    DATA.copy(whole, start, start, start + 2501);
    fileBytes(FILES, whole).forEach((expected, i) => expect(fs.readFileSync(path.join(root, ...FILES[i].path)).equals(expected)).toBe(true));
    await set.close();
  });

  test('a block outside its piece is refused before any I/O', async () => {
    const set = await FileSet.open(root, new FileMap(FILES, PIECE));
    await expect(set.write(4, 610, [Buffer.alloc(10)])).rejects.toThrow(/bytes 610..620 are not inside piece 4 \(617 bytes\)/);
    await expect(set.read(5, 0, 1)).rejects.toThrow(/piece 5 out of range/);
    await set.close();
  });

  test('files already there keep their bytes (a resumed download), a longer one is cut to its length', async () => {
    const first = await FileSet.open(root, new FileMap(FILES, PIECE));
    await writeAll(first, DATA, PIECE);
    await first.close();
    fs.appendFileSync(path.join(root, 'album', 'sub', 'c.bin'), 'extra');
    const again = await FileSet.open(root, new FileMap(FILES, PIECE));
    expect((await again.read(2, 0, PIECE)).equals(DATA.subarray(2 * PIECE, 3 * PIECE))).toBe(true);
    await again.close();
    expect(fs.statSync(path.join(root, 'album', 'sub', 'c.bin')).size).toBe(9001);
  });

  describe('complete files, opened read-only when asked', () => {
    async function seed(): Promise<void> {
      const set = await FileSet.open(root, new FileMap(FILES, PIECE));
      await writeAll(set, DATA, PIECE);
      await set.close();
    }

    test('all complete (a seeder): read, never written', async () => {
      await seed();
      const set = await FileSet.open(root, new FileMap(FILES, PIECE), { complete: 'all' });
      expect((await set.read(1, 0, PIECE)).equals(DATA.subarray(PIECE, 2 * PIECE))).toBe(true);
      const error = await refusal(set.write(0, 0, [Buffer.alloc(10)]));
      expect(error.message).toBe(`${path.join(fs.realpathSync(root), 'album', 'a.bin')}: is complete and open read-only: piece 0 cannot be written into it`);
      await set.close();
    });

    test('a missing complete file, and one of the wrong size, are named', async () => {
      await seed();
      fs.rmSync(path.join(root, 'album', 'empty'));
      const missing = await refusal(FileSet.open(root, new FileMap(FILES, PIECE), { complete: 'all' }));
      expect(missing).toMatchObject({ code: 'seed-file-missing', message: `${path.join(root, 'album', 'empty')}: a complete file is missing` });
      fs.writeFileSync(path.join(root, 'album', 'empty'), '');
      fs.truncateSync(path.join(root, 'album', 'a.bin'), 4999);
      const short = await refusal(FileSet.open(root, new FileMap(FILES, PIECE), { complete: 'all' }));
      expect(short).toMatchObject({ code: 'seed-file-wrong-size', message: `${path.join(root, 'album', 'a.bin')}: is 4999 bytes, but the torrent says 5000` });
    });

    test('some files complete: those read-only, the others written; a block touching a read-only file is not written at all', async () => {
      await seed();
      const set = await FileSet.open(root, new FileMap(FILES, PIECE), { complete: new Set([3]) });
      await set.write(0, 0, [Buffer.alloc(PIECE, 9)]);
      await expect(set.write(1, 0, [Buffer.alloc(PIECE)])).rejects.toThrow(/c\.bin: is complete and open read-only: piece 1/);
      await set.close();
      const expected = Buffer.from(DATA.subarray(0, 5000));
      expected.fill(9, 0, PIECE);
      expect(fs.readFileSync(path.join(root, 'album', 'a.bin')).equals(expected)).toBe(true);
    });

    test('a download folder that does not exist is not created for complete files', async () => {
      await refusal(FileSet.open(root, new FileMap(FILES, PIECE), { complete: 'all' }));
      expect(fs.existsSync(root)).toBe(false);
    });
  });

  test('padding files (BEP 47) are never on disk: they read as zeros, writes to them are dropped', async () => {
    const files: MappedFile[] = [
      { path: ['t', 'a'], length: 3000 },
      { path: ['t', '.pad', '1096'], length: 1096, padding: true },
      { path: ['t', 'b'], length: 100 },
    ];
    const set = await FileSet.open(root, new FileMap(files, PIECE));
    await set.write(0, 0, [Buffer.alloc(PIECE, 7)]);
    const piece = await set.read(0, 0, PIECE);
    expect(piece.subarray(0, 3000).equals(Buffer.alloc(3000, 7))).toBe(true);
    expect(piece.subarray(3000).equals(Buffer.alloc(1096))).toBe(true);
    // Into a buffer already used: the padding's bytes are zeros there too.
    const reused = await set.readInto(0, 0, Buffer.alloc(PIECE, 0xee));
    expect(reused.equals(piece)).toBe(true);
    await set.close();
    expect(fs.readdirSync(path.join(root, 't')).sort()).toEqual(['a', 'b']);
  });

  describe('never outside the download folder (defence in depth, after the metainfo checks)', () => {
    const oneFile = (...segments: string[]) => new FileMap([{ path: segments, length: 10 }], 4);

    test.each<[string, string[]]>([
      ['a .. segment', ['..', 'escaped']],
      ['a .. hidden in a segment', ['a/../../escaped']],
      ['an absolute segment', ['/tmp/swarmlab-escaped']],
      ['the folder itself', ['.']],
    ])('refuses %s', async (_name, segments) => {
      const error = await refusal(FileSet.open(root, oneFile(...segments)));
      expect(error.message).toMatch(/is not inside .*: refusing to touch it/);
      expect(fs.existsSync(path.join(dir, 'escaped'))).toBe(false);
    });

    test('a symbolic link in the folder to a folder outside it is not followed, and nothing is created there', async () => {
      const outside = path.join(dir, 'outside');
      fs.mkdirSync(outside);
      fs.mkdirSync(root);
      fs.symlinkSync(outside, path.join(root, 'album'));
      const error = await refusal(FileSet.open(root, oneFile('album', 'sub', 'x')));
      expect(error.message).toBe(`${path.join(fs.realpathSync(root), 'album')}: leads to ${fs.realpathSync(outside)} through a symbolic link, outside ${fs.realpathSync(root)}: refusing to follow it`);
      expect(fs.readdirSync(outside)).toEqual([]);
    });

    test('a symbolic link in the folder to a file outside it is refused, and the file left alone', async () => {
      const outside = path.join(dir, 'precious');
      fs.writeFileSync(outside, 'keep');
      fs.mkdirSync(path.join(root, 'album'), { recursive: true });
      fs.symlinkSync(outside, path.join(root, 'album', 'x'));
      await expect(FileSet.open(root, oneFile('album', 'x'))).rejects.toThrow(/through a symbolic link, outside/);
      expect(fs.readFileSync(outside, 'utf8')).toBe('keep');
    });

    test('a dangling symbolic link is refused before it could create its target', async () => {
      const target = path.join(dir, 'created-outside');
      fs.mkdirSync(path.join(root, 'album'), { recursive: true });
      fs.symlinkSync(target, path.join(root, 'album', 'x'));
      await expect(FileSet.open(root, oneFile('album', 'x'))).rejects.toThrow(/album\/x: does not exist \(or is a symbolic link to nothing\)/);
      expect(fs.existsSync(target)).toBe(false);
    });

    test('a symbolic link that stays inside the folder is followed', async () => {
      fs.mkdirSync(path.join(root, 'real'), { recursive: true });
      fs.symlinkSync('real', path.join(root, 'album'));
      const set = await FileSet.open(root, oneFile('album', 'x'));
      await set.write(0, 0, [Buffer.from('abcd')]);
      await set.close();
      expect(fs.readFileSync(path.join(root, 'real', 'x')).subarray(0, 4).toString()).toBe('abcd');
    });
  });

  test('more files than may be open at once: every block still lands in its file', async () => {
    const many: MappedFile[] = range(0, 12).map((i) => ({ path: ['many', `f${i}`], length: 700 + i }));
    const total = many.reduce((sum, f) => sum + f.length, 0);
    const data = knownBytes(total, 8);
    const set = await FileSet.open(root, new FileMap(many, 1024), { maxOpenFiles: 2 });
    await Promise.all(range(0, set.map.pieceCount).map((index) => set.write(index, 0, [data.subarray(index * 1024, index * 1024 + set.map.lengthOfPiece(index))])));
    const back = await Promise.all(range(0, set.map.pieceCount).map((index) => set.read(index, 0, set.map.lengthOfPiece(index))));
    await set.close();
    expect(Buffer.concat(back).equals(data)).toBe(true);
    fileBytes(many, data).forEach((expected, i) => expect(fs.readFileSync(path.join(root, ...many[i].path)).equals(expected)).toBe(true));
  });

  describe('sync (a checkpoint forces written files to disk)', () => {
    test('a file whose handle left the pool is reopened to be synced; a padding file is not created for it', async () => {
      const files: MappedFile[] = [...FILES.slice(0, 2), { path: ['album', '.pad', '96'], length: 96, padding: true }, ...FILES.slice(2)];
      const set = await FileSet.open(root, new FileMap(files, PIECE), { maxOpenFiles: 1 });
      await set.write(0, 0, [DATA.subarray(0, PIECE)]);
      await set.read(3, 0, 10); // only c.bin's handle is left open
      await set.sync(0);
      await set.sync(2);
      await set.close();
      expect(fs.readdirSync(path.join(root, 'album')).sort()).toEqual(['a.bin', 'empty', 'sub']);
    });

    test('a file that cannot be reopened is named', async () => {
      await FileSet.open(root, new FileMap(FILES, PIECE)).then((set) => set.close());
      const set = await FileSet.open(root, new FileMap(FILES, PIECE), { complete: 'all' });
      fs.rmSync(path.join(root, 'album', 'a.bin'));
      const error = await refusal(set.sync(0));
      expect(error.message).toMatch(new RegExp(`^${path.join(fs.realpathSync(root), 'album', 'a.bin')}: ENOENT: no such file or directory`));
      await set.close();
    });
  });
});
