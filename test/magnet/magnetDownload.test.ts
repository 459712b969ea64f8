/**
 * `swarmlab download MAGNET`: the torrent behind a magnet link is fetched from
 * a peer (BEP 9, here our own `swarmlab seed`, named by the link's `x.pe`),
 * checked against the info-hash, saved in DIR/.swarmlab/, and downloaded; a
 * second run needs no peer for it. All on 127.0.0.1, no tracker, no DHT.
 */
import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { freePorts } from '../../src/net/freePorts.js';
import { startSwarmlab, SWARMLAB_CLI } from '../support/realClients/swarmlab.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';
import { trackerlessSeed } from '../support/trackerlessSeed.js';
import { runNodeScript } from '../support/runProcess.js';
import { LOOPBACK } from '../support/sockets.js';

jest.setTimeout(60_000);

let dir: string;
beforeEach(() => (dir = makeTempDir('swarmlab-magnet-')));
afterEach(() => removeTempDir(dir));

function download(link: string, downloadDir: string, port: number) {
  return runNodeScript(SWARMLAB_CLI, ['download', link, '--dir', downloadDir, '--port', String(port), '--bind', LOOPBACK, '--no-dht'], { cwd: dir, killAfterMs: 45_000 });
}

test('the metadata comes from the peer the link names, then the data; the .torrent is kept, and a second run needs no peer', async () => {
  const { content, seedDir, torrent, meta } = await trackerlessSeed(dir, 2 * 1024 * 1024 + 777, 64 * 1024, 9);
  const [seedPort, downloadPort] = await freePorts(2);
  const link = `magnet:?xt=urn:btih:${meta.infoHash.toString('hex')}&dn=data.bin&x.pe=${LOOPBACK}:${seedPort}`;
  const downloadDir = path.join(dir, 'download');
  fs.mkdirSync(downloadDir);
  const seeder = await startSwarmlab({ role: 'seed', torrent, dir: seedDir, port: seedPort });
  try {
    await seeder.untilLine(/seeding/i, 20_000);
    const first = await download(link, downloadDir, downloadPort);
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/got the metadata of data\.bin \(\d+ bytes\) from peers/);
  } finally {
    await seeder.stop();
  }
  expect(fs.readFileSync(path.join(downloadDir, 'data.bin')).equals(content)).toBe(true);
  const saved = path.join(downloadDir, '.swarmlab', `${meta.infoHash.toString('hex')}.torrent`);
  expect(parseMetaInfo(fs.readFileSync(saved), saved).infoHash.equals(meta.infoHash)).toBe(true);

  // The seeder is gone: only the kept .torrent and the data on disk can finish this one.
  const again = await download(link, downloadDir, downloadPort);
  expect(again.code).toBe(0);
  expect(again.stdout).not.toMatch(/fetching the metadata/);
});

test('a bad magnet link: exit 8 with what is wrong; seed refuses a magnet link (exit 2)', async () => {
  const [port] = await freePorts(1);
  const bad = await download('magnet:?xt=urn:btih:1234', dir, port);
  expect(bad.code).toBe(8);
  expect(bad.stderr).toMatch(/magnet link/);
  const seed = await runNodeScript(SWARMLAB_CLI, ['seed', 'magnet:?xt=urn:btih:' + 'ab'.repeat(20), '--dir', dir, '--port', String(port), '--bind', LOOPBACK, '--no-dht'], { cwd: dir, killAfterMs: 20_000 });
  expect(seed.code).toBe(2);
  expect(seed.stderr).toMatch(/takes a \.torrent file, not a magnet link/);
});
