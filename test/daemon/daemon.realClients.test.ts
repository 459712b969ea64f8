/**
 * `swarmlab daemon` as a process, driven by the commands and the API, trading
 * real torrents with Debian's aria2 and libtorrent on 127.0.0.1 through our
 * tracker: it downloads from aria2, libtorrent downloads from it, and a
 * restart brings back its pause state, its limits and its progress.
 */
import { jest } from '@jest/globals';
import * as path from 'path';
import { runProcess } from '../support/runProcess.js';
import { daemonsOfEachTest, type RunningDaemon } from '../support/daemonProcess.js';
import { eventuallyAsync } from '../support/polling.js';
import { SWARMLAB_CLI } from '../support/realClients/swarmlab.js';
import { DOWNLOAD_MS, realClientsSuite, SEEDER_READY_MS } from '../support/realClients/suite.js';
import { exitedByItself, mustHaveExitedZero } from '../support/realClients/realSwarm.js';
import { sameTree } from '../support/realClients/torrentFixtures.js';
import type { TorrentSummary } from '../../src/daemon/api/contract.js';

jest.setTimeout(120_000);

const suite = realClientsSuite();
const startDaemon = daemonsOfEachTest();
const daemonIn = (dataDir: string, ports?: { peerPort: number; apiPort: number }) => startDaemon({ dataDir, ...ports });

async function cli(daemon: RunningDaemon, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runProcess(SWARMLAB_CLI, [...args, '--api', daemon.apiUrl], { cwd: process.cwd(), killAfterMs: 20_000 });
}

async function listed(daemon: RunningDaemon): Promise<TorrentSummary[]> {
  const result = await cli(daemon, ['ls', '--json']);
  if (result.code !== 0) throw new Error(`swarmlab ls exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as TorrentSummary[];
}

test('it downloads a multi-file torrent from aria2 (added with `swarmlab add`), then seeds it to libtorrent', async () => {
  const fixture = suite.fixture('multi-file');
  const aria2 = await suite.swarm.seeder('aria2', fixture, SEEDER_READY_MS);
  const daemon = await daemonIn(path.join(fixture.seedDir, '..', 'daemon-a'));
  const into = path.join(fixture.seedDir, '..', 'daemon-a-downloads');
  const added = await cli(daemon, ['add', fixture.torrent, '--dir', into]);
  expect(added).toMatchObject({ code: 0, stdout: expect.stringContaining('added multi') });

  await eventuallyAsync(async () => (await daemon.api.list())[0]?.state === 'seeding', 'the daemon to finish its download', DOWNLOAD_MS);
  await sameTree(fixture.original, path.join(into, fixture.name));
  const [torrent] = await listed(daemon);
  expect(torrent).toMatchObject({ name: 'multi', state: 'seeding', progress: 1, dir: into });
  expect(torrent.infoHash).toMatch(/^[0-9a-f]{40}$/);
  expect(torrent.downloadedBytes).toBeGreaterThan(0);

  // aria2 goes; libtorrent can only get the torrent from the daemon.
  await aria2.stop();
  const { downloader, copy } = await suite.swarm.downloader('libtorrent', fixture);
  mustHaveExitedZero(downloader, await exitedByItself(downloader, DOWNLOAD_MS));
  await sameTree(fixture.original, copy);
  expect((await daemon.api.list())[0].uploadedBytes).toBeGreaterThan(0);
});

test('a restart brings back the pause state, the limits and the progress; pause, resume and rm work from the commands', async () => {
  const fixture = suite.fixture('single-file');
  const dataDir = path.join(fixture.seedDir, '..', 'daemon-b');
  const first = await daemonIn(dataDir);
  expect((await cli(first, ['add', fixture.torrent, '--dir', fixture.seedDir])).code).toBe(0);
  await eventuallyAsync(async () => (await first.api.list())[0]?.state === 'seeding', 'the daemon to check the files and seed', SEEDER_READY_MS);
  const id = (await first.api.list())[0].id;
  expect(await cli(first, ['pause', id.slice(0, 8)])).toMatchObject({ code: 0 });
  await first.api.updateSettings({ limits: { downloadRate: 2_000_000, uploadRate: 500_000 } });
  await first.process.stop();
  expect(first.process.exit()).toEqual({ code: 0, signal: null });

  const second = await daemonIn(dataDir, { peerPort: first.peerPort, apiPort: first.apiPort });
  expect(await listed(second)).toEqual([expect.objectContaining({ id, state: 'paused', progress: 1 })]);
  expect((await second.api.info()).limits).toEqual({ downloadRate: 2_000_000, uploadRate: 500_000 });

  expect(await cli(second, ['resume', id])).toMatchObject({ code: 0 });
  await eventuallyAsync(async () => (await second.api.list())[0].state === 'seeding', 'it to seed again', SEEDER_READY_MS);
  expect(await cli(second, ['rm', id])).toMatchObject({ code: 0 });
  expect(await listed(second)).toEqual([]);
  expect(await cli(second, ['pause', id])).toMatchObject({ code: 13, stderr: expect.stringContaining(`no torrent ${id}`) });
});
