import bencode from 'bencode';
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../src/config/Config.js';
import { loadMetaInfoForConfig } from '../../src/metainfo/forConfig.js';
import { MetaInfoError } from '../../src/metainfo/MetaInfoError.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';

describe('the .torrent named by Common.cfg (MetaInfo)', () => {
  let setup: SwarmSetup;
  beforeEach(async () => (setup = await makeSwarmDir({ peers: 2, fileSize: 1000, pieceSize: 100 })));
  afterEach(() => setup.remove());

  function nameTorrent(info: Record<string, unknown>): string {
    const torrent = path.join(setup.root, 'x.torrent');
    fs.writeFileSync(torrent, bencode.encode({ info }));
    fs.appendFileSync(path.join(setup.root, 'Common.cfg'), 'MetaInfo x.torrent\n');
    return torrent;
  }

  test('a single-file torrent matching FileSize and PieceSize is loaded', async () => {
    nameTorrent({ length: 1000, name: setup.fileName, 'piece length': 100, pieces: Buffer.alloc(200) });
    const meta = await loadMetaInfoForConfig(loadConfig(setup.root));
    expect(meta).toMatchObject({ length: 1000, pieceLength: 100, pieceCount: 10, multiFile: false });
  });

  test('a multi-file torrent is refused with a clear message, even when its total fits', async () => {
    const torrent = nameTorrent({
      files: [
        { length: 400, path: ['a'] },
        { length: 600, path: ['b'] },
      ],
      name: 'album',
      'piece length': 100,
      pieces: Buffer.alloc(200),
    });
    const error = await loadMetaInfoForConfig(loadConfig(setup.root)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetaInfoError);
    expect((error as Error).message).toBe(
      `${torrent}: is a multi-file torrent (2 files in 'album'): the course protocol shares the one file Common.cfg names; make its .torrent with 'swarmlab make-torrent FILE'`,
    );
  });

  test('a file too large to be a .torrent is refused without reading it whole', async () => {
    const torrent = path.join(setup.root, 'x.torrent');
    fs.appendFileSync(path.join(setup.root, 'Common.cfg'), 'MetaInfo x.torrent\n');
    fs.writeFileSync(torrent, '');
    fs.truncateSync(torrent, 1 << 30);
    await expect(loadMetaInfoForConfig(loadConfig(setup.root))).rejects.toThrow(`${torrent}: larger than 32 MiB: too large to be a .torrent`);
  });
});
