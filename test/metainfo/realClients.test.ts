/**
 * Our .torrent files as real BitTorrent clients read them: Debian's aria2
 * (`aria2c -S`) and libtorrent (python3-libtorrent, called through Debian's
 * /usr/bin/python3, for which its bindings are built) must find the same
 * info-hash, pieces, size and files as we do. Never skipped: a missing
 * client fails naming `npm run setup`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseMetaInfo, type MetaInfo } from '../../src/metainfo/MetaInfo.js';
import { makeTorrent } from '../../src/metainfo/makeTorrent.js';
import { knownBytes } from '../support/fixtures.js';
import { missingToolError } from '../support/requiredTools.js';

const DEBIAN_PYTHON = '/usr/bin/python3';
const LIBTORRENT_READS = [
  'import sys, json, libtorrent as lt',
  't = lt.torrent_info(sys.argv[1]); fs = t.files()',
  'print(json.dumps({"hash": str(t.info_hash()), "pieces": t.num_pieces(), "size": t.total_size(), "pieceLength": t.piece_length(), "name": t.name(),',
  '  "files": [[fs.file_path(i), fs.file_size(i)] for i in range(fs.num_files())]}))',
].join('\n');

function run(command: string, args: string[], pkg: 'aria2' | 'python3-libtorrent'): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT' || /No module named/.test(failure.stderr ?? '')) throw missingToolError(pkg, command, failure.stderr?.trim());
    throw error;
  }
}

/** What libtorrent makes of a .torrent. */
function libtorrentReads(torrentFile: string) {
  return JSON.parse(run(DEBIAN_PYTHON, ['-c', LIBTORRENT_READS, torrentFile], 'python3-libtorrent')) as {
    hash: string;
    pieces: number;
    size: number;
    pieceLength: number;
    name: string;
    files: [string, number][];
  };
}

async function torrentOf(input: string, out: string): Promise<MetaInfo> {
  fs.writeFileSync(out, await makeTorrent(input, { pieceSize: 65_536, trackers: [['http://127.0.0.1:1/announce']] }));
  return parseMetaInfo(fs.readFileSync(out), out);
}

describe('real clients read our .torrent as we do', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-real-clients-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe('a single file of an odd size', () => {
    let file: string;
    let ours: MetaInfo;
    beforeAll(async () => {
      const data = path.join(dir, 'odd-sized.bin');
      fs.writeFileSync(data, knownBytes(1_000_003, 11));
      file = path.join(dir, 'odd-sized.torrent');
      ours = await torrentOf(data, file);
    });

    test('aria2c -S', () => {
      const shown = run('aria2c', ['-S', file], 'aria2');
      expect(shown).toContain(`Info Hash: ${ours.infoHash.toString('hex')}`);
      expect(shown).toMatch(/The Number of Pieces: 16\b/);
      expect(shown).toMatch(/\(1,000,003\)/);
    });

    test('libtorrent', () => {
      expect(libtorrentReads(file)).toEqual({ hash: ours.infoHash.toString('hex'), pieces: 16, size: 1_000_003, pieceLength: 65_536, name: 'odd-sized.bin', files: [['odd-sized.bin', 1_000_003]] });
    });
  });

  describe('a folder: nested folders, an empty file, an odd-sized last file', () => {
    let file: string;
    let ours: MetaInfo;
    const FILES: [string, number][] = [
      ['album/cover.jpg', 70_000],
      ['album/disc 1/01.flac', 150_001],
      ['album/disc 1/empty.txt', 0],
      ['album/notes.txt', 12_345],
    ];
    beforeAll(async () => {
      for (const [name, size] of FILES) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), knownBytes(size, size % 251));
      }
      file = path.join(dir, 'album.torrent');
      ours = await torrentOf(path.join(dir, 'album'), file);
    });

    test('aria2c -S', () => {
      const shown = run('aria2c', ['-S', file], 'aria2');
      expect(shown).toContain(`Info Hash: ${ours.infoHash.toString('hex')}`);
      expect(shown).toContain('Mode: multi');
      for (const [name] of FILES) expect(shown).toContain(`./${name}`);
    });

    test('libtorrent', () => {
      const read = libtorrentReads(file);
      expect(read.hash).toBe(ours.infoHash.toString('hex'));
      expect(read.size).toBe(FILES.reduce((sum, [, size]) => sum + size, 0));
      expect(read.files).toEqual(ours.files.map((f) => [f.path.join('/'), f.length]));
      expect(read.files.map(([name]) => name).sort()).toEqual(FILES.map(([name]) => name).sort());
    });
  });
});
