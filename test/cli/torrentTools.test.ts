import * as fs from 'fs';
import * as path from 'path';
import bencode from 'bencode';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { knownBytes, makeTempDir, removeTempDir } from '../support/fixtures.js';
import { runNodeScript, type ProcessResult } from '../support/runProcess.js';

const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');

describe('swarmlab make-torrent of a folder, and torrent-info of a multi-file torrent', () => {
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('swarmlab-cli-folder-');
    fs.mkdirSync(path.join(dir, 'album', 'disc 2'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'album', 'one.bin'), knownBytes(50_000, 1));
    fs.writeFileSync(path.join(dir, 'album', 'disc 2', 'two.bin'), knownBytes(20_001, 2));
    fs.writeFileSync(path.join(dir, 'album', 'empty'), '');
  });
  afterEach(() => removeTempDir(dir));

  const swarmlab = (...args: string[]): Promise<ProcessResult> => runNodeScript(SWARMLAB, args, { cwd: dir, killAfterMs: 20_000 });

  test('trackers in tiers, private, the piece size chosen, the output beside the folder; torrent-info lists it all', async () => {
    const made = await swarmlab('make-torrent', 'album/', '--announce', 'http://a.example/1,http://a.example/2', '--announce', 'udp://b.example:6969', '--private');
    expect(made).toMatchObject({ code: 0, stderr: '' });
    expect(made.stdout.trim()).toBe('wrote album.torrent');
    const meta = parseMetaInfo(fs.readFileSync(path.join(dir, 'album.torrent')), 'album.torrent');
    expect(meta).toMatchObject({ name: 'album', multiFile: true, pieceLength: 16_384, pieceCount: 5, isPrivate: true, announce: 'http://a.example/1' });
    expect(meta.files.map((f) => [f.path.join('/'), f.length])).toEqual([
      ['album/disc 2/two.bin', 20_001],
      ['album/empty', 0],
      ['album/one.bin', 50_000],
    ]);

    const info = await swarmlab('torrent-info', 'album.torrent');
    expect(info.code).toBe(0);
    expect(info.stdout).toBe(
      [
        'name:        album (a folder of 3 files)',
        'size:        70001 bytes',
        'piece size:  16384 bytes (last piece 4465)',
        'pieces:      5',
        `info-hash:   ${meta.infoHash.toString('hex')}`,
        'announce:    http://a.example/1',
        'trackers:    tier 1: http://a.example/1, http://a.example/2',
        '             tier 2: udp://b.example:6969',
        'private:     yes (BEP 27: peers from its trackers only, no DHT or peer exchange)',
        'created by:  swarmlab',
        `created on:  ${meta.creationDate?.toISOString()}`,
        'files:       20001  album/disc 2/two.bin',
        '                 0  album/empty',
        '             50000  album/one.bin',
        '',
      ].join('\n'),
    );
  });

  test('torrent-info shows a hostile name with its control characters escaped', async () => {
    const info = { name: 'evil\x1b[2J', 'piece length': 4, pieces: Buffer.alloc(20), files: [{ length: 3, path: ['\x07bell'] }] };
    fs.writeFileSync(path.join(dir, 'evil.torrent'), bencode.encode({ info, comment: 'hi\r\nthere' }));
    const { code, stdout } = await swarmlab('torrent-info', 'evil.torrent');
    expect(code).toBe(0);
    expect(stdout).toContain('name:        evil\\x1b[2J (a folder of 1 files)');
    expect(stdout).toContain('comment:     hi\\x0d\\x0athere');
    expect(stdout).toContain('3  evil\\x1b[2J/\\x07bell');
  });

  test('torrent-info of a file that made the old decoder loop forever answers at once, exit 8', async () => {
    fs.writeFileSync(path.join(dir, 'loop.torrent'), 'd4:infol-3:ee');
    const { code, stderr } = await swarmlab('torrent-info', 'loop.torrent');
    expect(code).toBe(8);
    expect(stderr.trim()).toBe('torrent-info: loop.torrent: not valid bencode: unexpected byte 0x2d at byte 8');
  });

  test('--help says how the piece size is chosen and how tiers are written', async () => {
    const { code, stdout } = await swarmlab('make-torrent', '--help');
    expect(code).toBe(0);
    // yargs wraps at 80 columns, within words too.
    const text = stdout.replace(/\s+/g, '');
    expect(text).toContain('thesmallestpoweroftwofrom16KiBto16MiBthatmakesatmost2000pieces');
    expect(text).toContain('repeatformoretiers(BEP12),commasbetweentheURLsofonetier');
  });

  test.each<[string, string[], string]>([
    ['a missing input', ['make-torrent', 'nothing'], 'make-torrent: nothing: no such file'],
    ['a folder of empty files only', ['make-torrent', 'hollow'], 'make-torrent: hollow holds no data (only empty files): nothing to share'],
    ['an empty --announce', ['make-torrent', 'album', '--announce', ','], '--announce takes a URL, or URLs separated by commas'],
    ['a piece size over the cap', ['make-torrent', 'album', '--piece-size', String(2 ** 28)], '--piece-size takes a whole number of bytes from 1 to 134217728'],
  ])('refuses %s in one line, exit 2', async (_name, args, message) => {
    fs.mkdirSync(path.join(dir, 'hollow'));
    fs.writeFileSync(path.join(dir, 'hollow', 'nil'), '');
    const { code, stderr } = await swarmlab(...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
