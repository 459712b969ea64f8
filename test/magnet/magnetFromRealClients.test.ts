/**
 * The "done": a magnet link downloads with no tracker from
 * libtorrent on loopback, and from aria2 the same way. The real client
 * (Debian's python3-libtorrent, or aria2c) seeds a torrent that names no
 * tracker, with its DHT started from a node of the test's on 127.0.0.1
 * (libtorrent told to keep loopback addresses); `swarmlab download` is given
 * only the info-hash and the same node: it finds the seeder through the DHT,
 * fetches the metadata from it (BEP 9), then the data.
 */
import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';
import { freePorts } from '../../src/net/freePorts.js';
import { startAria2 } from '../support/realClients/aria2.js';
import { startLibtorrent } from '../support/realClients/libtorrent.js';
import { SWARMLAB_CLI } from '../support/realClients/swarmlab.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';
import { trackerlessSeed } from '../support/trackerlessSeed.js';
import { eventually } from '../support/polling.js';
import { runNodeScript } from '../support/runProcess.js';
import { LOOPBACK } from '../support/sockets.js';
import { startNode, type TestNode } from '../dht/dhtHarness.js';

jest.setTimeout(90_000);

let dir: string;
let bootstrap: TestNode;
beforeEach(async () => {
  dir = makeTempDir('swarmlab-magnet-lt-');
  bootstrap = await startNode({ bootstrap: [] });
});
afterEach(async () => {
  await bootstrap.node.stop();
  removeTempDir(dir);
});

const SEEDERS = [
  ['libtorrent', startLibtorrent],
  ['aria2', startAria2],
] as const;

test.each(SEEDERS)('a magnet link with no tracker and no peer: %s is found through the DHT, and gives the metadata and the data', async (client, start) => {
  const { content, seedDir, torrent, meta } = await trackerlessSeed(dir, 1024 * 1024 + 4321, 32 * 1024, 5);
  const { infoHash } = meta;
  const dhtBootstrap = `${LOOPBACK}:${bootstrap.port}`;
  const [seedPort, downloadPort] = await freePorts(2);

  const seeder = await start({ role: 'seed', torrent, dir: seedDir, port: seedPort, dhtBootstrap });
  try {
    if (client === 'libtorrent') await seeder.untilLine(/"seeding"/, 30_000); // aria2 checks its data before it announces
    await eventually(() => bootstrap.node.status().announcedPeers > 0, () => `${client} to announce itself in the DHT: ${seeder.tail()}`, 45_000, 50);
    const downloadDir = path.join(dir, 'download');
    fs.mkdirSync(downloadDir);
    const link = `magnet:?xt=urn:btih:${infoHash.toString('hex')}`;
    const result = await runNodeScript(SWARMLAB_CLI, ['download', link, '--dir', downloadDir, '--port', String(downloadPort), '--bind', LOOPBACK, '--dht-bootstrap', dhtBootstrap], {
      cwd: dir,
      killAfterMs: 60_000,
    });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/got the metadata of data\.bin/);
    expect(result.stdout).toMatch(client === 'aria2' ? /aria2\/1\./ : /libtorrent/); // the summary names the client the data came from
    expect(fs.readFileSync(path.join(downloadDir, 'data.bin')).equals(content)).toBe(true);
  } finally {
    await seeder.stop();
  }
});
