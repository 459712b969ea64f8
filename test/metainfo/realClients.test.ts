/**
 * Our .torrent files as real BitTorrent clients read them: Debian's aria2
 * (`aria2c -S`) and libtorrent (python3-libtorrent, called through Debian's
 * /usr/bin/python3, for which its bindings are built) must find the same
 * info-hash, piece count and size as we do. Never skipped: a missing client
 * fails naming `npm run setup`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { makeTorrent } from '../../src/metainfo/makeTorrent.js';
import { knownBytes } from '../support/fixtures.js';
import { missingToolError } from '../support/requiredTools.js';

const DEBIAN_PYTHON = '/usr/bin/python3';

function run(command: string, args: string[], pkg: 'aria2' | 'python3-libtorrent'): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT' || /No module named/.test(failure.stderr ?? '')) throw missingToolError(pkg, command, failure.stderr?.trim());
    throw error;
  }
}

describe('real clients read our .torrent as we do', () => {
  let dir: string;
  let torrentFile: string;
  let ours: ReturnType<typeof parseMetaInfo>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-real-clients-'));
    const data = path.join(dir, 'odd-sized.bin');
    fs.writeFileSync(data, knownBytes(1_000_003, 11));
    torrentFile = path.join(dir, 'odd-sized.torrent');
    fs.writeFileSync(torrentFile, await makeTorrent(data, { pieceSize: 65_536, announce: 'http://127.0.0.1:1/announce' }));
    ours = parseMetaInfo(fs.readFileSync(torrentFile), torrentFile);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('aria2c -S', () => {
    const shown = run('aria2c', ['-S', torrentFile], 'aria2');
    expect(shown).toMatch(new RegExp(`Info Hash: ${ours.infoHash.toString('hex')}`));
    expect(shown).toMatch(/The Number of Pieces: 16\b/);
    expect(shown).toMatch(/\(1,000,003\)/);
  });

  test('libtorrent torrent_info', () => {
    const script = 'import sys, libtorrent as lt; t = lt.torrent_info(sys.argv[1]); print(t.info_hash(), t.num_pieces(), t.total_size(), t.piece_length(), t.name())';
    const [hash, pieces, size, pieceLength, name] = run(DEBIAN_PYTHON, ['-c', script, torrentFile], 'python3-libtorrent').trim().split(' ');
    expect({ hash, pieces, size, pieceLength, name }).toEqual({ hash: ours.infoHash.toString('hex'), pieces: '16', size: '1000003', pieceLength: '65536', name: 'odd-sized.bin' });
  });
});
