import * as fs from 'fs';
import * as path from 'path';
import { MAX_METAINFO_BYTES } from '../../src/metainfo/limits.js';
import { MetaInfoError } from '../../src/metainfo/MetaInfoError.js';
import { readMetaInfoFile } from '../../src/metainfo/readMetaInfoFile.js';
import { knownBytes, makeTempDir, removeTempDir } from '../support/fixtures.js';

describe('readMetaInfoFile', () => {
  let dir: string;
  beforeEach(() => (dir = makeTempDir()));
  afterEach(() => removeTempDir(dir));

  test('reads a file up to the cap exactly', async () => {
    const file = path.join(dir, 'a.torrent');
    const data = knownBytes(200_001);
    fs.writeFileSync(file, data);
    expect((await readMetaInfoFile(file)).equals(data)).toBe(true);
    fs.truncateSync(file, MAX_METAINFO_BYTES);
    expect((await readMetaInfoFile(file)).length).toBe(MAX_METAINFO_BYTES);
  });

  test('an endless file (a device) is refused once past the cap', async () => {
    await expect(readMetaInfoFile('/dev/zero')).rejects.toThrow(new MetaInfoError('/dev/zero', 'larger than 32 MiB: too large to be a .torrent'));
  });

  test('file-system errors come out as they are, for the caller to word', async () => {
    await expect(readMetaInfoFile(path.join(dir, 'none'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readMetaInfoFile(dir)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
