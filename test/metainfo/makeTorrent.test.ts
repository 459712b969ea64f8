import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { makeTorrent } from '../../src/metainfo/makeTorrent.js';
import { PieceVerifier } from '../../src/metainfo/PieceVerifier.js';
import { knownBytes } from '../support/fixtures.js';
import { missingToolError } from '../support/requiredTools.js';

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
