/**
 * A torrent that names no tracker, traded through the DHT alone (BEP 5):
 * `swarmlab seed` announces itself to a DHT whose only other node is the
 * test's, on 127.0.0.1; `swarmlab download` finds it there and fetches every
 * piece. Nothing beyond 127.0.0.1 is asked: both start from the test's node.
 */
import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';
import { freePorts } from '../../src/net/freePorts.js';
import { exitedByItself, mustHaveExitedZero } from '../support/realClients/realSwarm.js';
import { startSwarmlab } from '../support/realClients/swarmlab.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';
import { trackerlessSeed } from '../support/trackerlessSeed.js';
import { eventually } from '../support/polling.js';
import { LOOPBACK } from '../support/sockets.js';
import { startNode, type TestNode } from './dhtHarness.js';

jest.setTimeout(60_000);

let dir: string;
let bootstrap: TestNode;
beforeEach(async () => {
  dir = makeTempDir('swarmlab-trackerless-');
  bootstrap = await startNode({ bootstrap: [] });
});
afterEach(async () => {
  await bootstrap.node.stop();
  removeTempDir(dir);
});

test('a seeder announced in the DHT is found by a downloader, which ends with a verified copy; the seeder leaves its routing table on disk', async () => {
  const { content, seedDir, torrent, meta } = await trackerlessSeed(dir, 3 * 1024 * 1024 + 12_345, 256 * 1024, 7);
  expect(meta.trackerTiers).toEqual([]);
  const dhtBootstrap = `${LOOPBACK}:${bootstrap.port}`;
  const [seedPort, downloadPort] = await freePorts(2);

  const seeder = await startSwarmlab({ role: 'seed', torrent, dir: seedDir, port: seedPort, dhtBootstrap });
  try {
    // The seeder's lookup ends, then it announces to the nodes closest to the info-hash: ours, the only other one.
    await eventually(() => bootstrap.node.status().announcedPeers > 0, () => `the seeder to announce itself in the DHT: ${seeder.tail()}`, 20_000);

    const downloadDir = path.join(dir, 'download');
    fs.mkdirSync(downloadDir);
    const downloader = await startSwarmlab({ role: 'download', torrent, dir: downloadDir, port: downloadPort, dhtBootstrap });
    mustHaveExitedZero(downloader, await exitedByItself(downloader, 45_000));
    expect(fs.readFileSync(path.join(downloadDir, 'data.bin')).equals(content)).toBe(true);
  } finally {
    await seeder.stop();
  }
  expect(fs.existsSync(path.join(seedDir, '.swarmlab', 'dht.json'))).toBe(true);
});

test('--no-dht and a torrent without a tracker: the command says no peer can be found', async () => {
  const { torrent, seedDir } = await trackerlessSeed(dir, 100_000, 16 * 1024, 3);
  const [port] = await freePorts(1);
  const seeder = await startSwarmlab({ role: 'seed', torrent, dir: seedDir, port });
  try {
    await eventually(() => /the torrent names no tracker and the DHT is off, so no peer can be found/.test(seeder.tail()), 'the warning');
  } finally {
    await seeder.stop();
  }
});
