import { execFileSync } from 'child_process';
import bencode from 'bencode';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { MetaInfoError } from '../../src/metainfo/MetaInfoError.js';
import { makeTorrent } from '../../src/metainfo/makeTorrent.js';
import { PieceVerifier } from '../../src/metainfo/PieceVerifier.js';
import { knownBytes } from '../support/fixtures.js';
import { missingToolError } from '../support/requiredTools.js';

function torrentBytes(info: Record<string, unknown>, extra: Record<string, unknown> = {}): Buffer {
  return bencode.encode({ ...extra, info });
}

const goodInfo = () => ({ length: 10, name: 'f.dat', 'piece length': 4, pieces: Buffer.alloc(60, 7) });

describe('parseMetaInfo', () => {
  test('reads a single-file torrent: name, size, pieces, hashes, announce, info-hash', () => {
    const meta = parseMetaInfo(torrentBytes(goodInfo(), { announce: 'http://tracker.example/announce' }), 'a.torrent');
    expect(meta).toMatchObject({ name: 'f.dat', length: 10, pieceLength: 4, pieceCount: 3, announce: 'http://tracker.example/announce' });
    expect(meta.pieceHashes.map((h) => h.length)).toEqual([20, 20, 20]);
    expect(meta.infoHash.toString('hex')).toBe(createHash('sha1').update(bencode.encode(goodInfo())).digest('hex'));
  });

  test.each<[string, Buffer, RegExp]>([
    ['bad bencode', Buffer.from('d4:info'), /not valid bencode|not a bencoded dictionary/],
    ['not a dictionary', Buffer.from('i42e'), /not a bencoded dictionary/],
    ['trailing bytes', Buffer.concat([torrentBytes(goodInfo()), Buffer.from('junk')]), /trailing bytes/],
    ['no info', bencode.encode({ announce: 'x' }), /no 'info' dictionary/],
    ['multi-file', torrentBytes({ ...goodInfo(), files: [] }), /multi-file/],
    ['missing name', torrentBytes({ ...goodInfo(), name: undefined }), /'info.name' is missing/],
    ['name with a slash', torrentBytes({ ...goodInfo(), name: 'a/b' }), /plain file name, got 'a\/b'/],
    ['name with a backslash', torrentBytes({ ...goodInfo(), name: 'a\\b' }), /plain file name/],
    ['name ..', torrentBytes({ ...goodInfo(), name: '..' }), /plain file name, got '..'/],
    ['missing length', torrentBytes({ ...goodInfo(), length: undefined }), /'info.length' is missing/],
    ['negative length', torrentBytes({ ...goodInfo(), length: -5 }), /'info.length'/],
    ['zero piece length', torrentBytes({ ...goodInfo(), 'piece length': 0 }), /'info.piece length'/],
    ['pieces not bytes', torrentBytes({ ...goodInfo(), pieces: 12 }), /'info.pieces' is missing or not a byte string/],
    ['pieces not a multiple of 20', torrentBytes({ ...goodInfo(), pieces: Buffer.alloc(59) }), /59 bytes, not a multiple of 20/],
    ['piece count not matching the length', torrentBytes({ ...goodInfo(), pieces: Buffer.alloc(40) }), /holds 2 hashes, but 10 bytes in 4-byte pieces make 3/],
    ['announce not a string', torrentBytes(goodInfo(), { announce: 5 }), /'announce' is not a string/],
  ])('refuses a hostile file: %s', (_name, bytes, message) => {
    const error = (() => {
      try {
        parseMetaInfo(bytes, 'x.torrent');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MetaInfoError);
    expect((error as MetaInfoError).message).toMatch(/^x\.torrent: /);
    expect((error as MetaInfoError).message).toMatch(message);
  });

  test('deeply nested bencode is refused cleanly, not a crash', () => {
    const deep = Buffer.from('l'.repeat(100_000) + 'e'.repeat(100_000));
    expect(() => parseMetaInfo(deep, 'deep.torrent')).toThrow(MetaInfoError);
  });
});

describe('makeTorrent', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-torrent-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('round trip: the hashes are the SHA-1 of each piece, the last one short', async () => {
    const data = knownBytes(100_000, 3);
    const file = path.join(dir, 'data.bin');
    fs.writeFileSync(file, data);
    const meta = parseMetaInfo(await makeTorrent(file, { pieceSize: 16_384, announce: 'http://t.example/a' }), 'made.torrent');
    expect(meta).toMatchObject({ name: 'data.bin', length: 100_000, pieceLength: 16_384, pieceCount: 7, announce: 'http://t.example/a' });
    const verifier = new PieceVerifier(meta);
    for (let i = 0; i < 7; i++) expect(verifier.verify(i, data.subarray(i * 16_384, Math.min((i + 1) * 16_384, 100_000)))).toBe(true);
    const flipped = Buffer.from(data.subarray(0, 16_384));
    flipped[100] ^= 1;
    expect(verifier.verify(0, flipped)).toBe(false);
    expect(verifier.verify(7, Buffer.alloc(1))).toBe(false);
  });

  test('the same info-hash as mktorrent (Debian) for the same file and piece size', async () => {
    let version: string;
    try {
      version = execFileSync('mktorrent', ['-h'], { encoding: 'utf8' }).split('\n')[0];
    } catch {
      throw missingToolError('mktorrent', 'mktorrent');
    }
    expect(version).toMatch(/mktorrent/);
    const file = path.join(dir, 'TheFile.dat');
    fs.writeFileSync(file, knownBytes(1_000_003, 9));
    const theirs = path.join(dir, 'theirs.torrent');
    execFileSync('mktorrent', ['-l', '15', '-o', theirs, file], { stdio: 'ignore' });
    const ours = parseMetaInfo(await makeTorrent(file, { pieceSize: 32_768 }), 'ours.torrent');
    const reference = parseMetaInfo(fs.readFileSync(theirs), theirs);
    expect(ours.infoHash.toString('hex')).toBe(reference.infoHash.toString('hex'));
    expect(ours.pieceCount).toBe(31);
  });

  test('an empty file is refused', async () => {
    const file = path.join(dir, 'empty');
    fs.writeFileSync(file, '');
    await expect(makeTorrent(file, { pieceSize: 4 })).rejects.toThrow(/empty/);
  });
});
