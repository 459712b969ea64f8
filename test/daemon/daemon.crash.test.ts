/**
 * The daemon killed with SIGKILL in the middle of a download (its pieces
 * being written), then started again on the same data folder: the torrent
 * comes back in the state it had, every piece it then says it holds is the
 * original's (no torn piece counted), and it finishes. And a full disk (a
 * small tmpfs in the daemon's own mount namespace): the torrent stops in the
 * error state with the reason, the session file stays whole, the daemon
 * goes on answering, and removing the torrent with its data frees the space.
 */
import { jest } from '@jest/globals';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import type { TorrentDetail } from '../../src/daemon/api/contract.js';
import { daemonsOfEachTest } from '../support/daemonProcess.js';
import { eventuallyAsync } from '../support/polling.js';
import { DOWNLOAD_MS, realClientsSuite, SEEDER_READY_MS } from '../support/realClients/suite.js';
import { sameTree } from '../support/realClients/torrentFixtures.js';

jest.setTimeout(120_000);

const suite = realClientsSuite();
const daemonIn = daemonsOfEachTest();

/** The pieces the page says are held whose bytes on disk are not the original's. */
function tornPieces(detail: TorrentDetail, original: Buffer, copy: string): number[] {
  const held = Buffer.from(detail.pieces, 'hex');
  const onDisk = fs.readFileSync(copy);
  const torn: number[] = [];
  for (let index = 0; index < detail.pieceCount!; index++) {
    if (!((held[index >> 3] >> (7 - (index & 7))) & 1)) continue;
    const span = [index * detail.pieceLength!, Math.min((index + 1) * detail.pieceLength!, original.length)];
    if (!onDisk.subarray(span[0], span[1]).equals(original.subarray(span[0], span[1]))) torn.push(index);
  }
  return torn;
}

test('killed with SIGKILL mid-download, it comes back downloading, counts no torn piece, and finishes', async () => {
  const fixture = suite.fixture('single-file');
  await suite.swarm.seeder('aria2', fixture, SEEDER_READY_MS);
  const dataDir = path.join(fixture.seedDir, '..', 'crash-data');
  const into = path.join(fixture.seedDir, '..', 'crash-downloads');
  const first = await daemonIn({ dataDir });
  // Slow, so the kill lands while blocks are being written: 3 MiB at 256 KiB/s is 12 s.
  await first.api.updateSettings({ limits: { downloadRate: 256 * 1024 } });
  const { torrent } = await first.api.add({ torrent: fs.readFileSync(fixture.torrent).toString('base64'), dir: into });
  await eventuallyAsync(async () => (await first.api.get(torrent.id)).progress >= 0.3, 'a third of the download', DOWNLOAD_MS);
  process.kill(first.process.pid, 'SIGKILL');
  expect(await first.process.exited).toEqual({ code: null, signal: 'SIGKILL' });

  const again = await daemonIn({ dataDir, peerPort: first.peerPort, apiPort: first.apiPort });
  const states = new Set<string>();
  const back = await eventuallyAsync(
    async () => {
      const detail = await again.api.get(torrent.id);
      states.add(detail.state);
      return detail.state === 'downloading' && detail;
    },
    () => `the torrent to download again (states seen: ${[...states].join(', ')})`,
    DOWNLOAD_MS,
  );
  const original = fs.readFileSync(fixture.original);
  expect(tornPieces(back, original, path.join(into, fixture.name))).toEqual([]);
  expect(back.progress).toBeGreaterThan(0);
  expect(states).not.toContain('seeding');
  expect((await again.api.info()).limits.downloadRate).toBe(256 * 1024);

  await again.api.updateSettings({ limits: { downloadRate: null } });
  await eventuallyAsync(async () => (await again.api.get(torrent.id)).state === 'seeding', 'the download to finish', DOWNLOAD_MS);
  await sameTree(fixture.original, path.join(into, fixture.name));
  expect(parseMetaInfo(fs.readFileSync(path.join(dataDir, 'torrents', `${torrent.id}.torrent`)), 'copy').infoHash.toString('hex')).toBe(torrent.id);
});

test('a full disk stops the torrent with the reason; the session file stays whole, the daemon answers, and removing the data frees the space', async () => {
  const fixture = suite.fixture('single-file');
  await suite.swarm.seeder('aria2', fixture, SEEDER_READY_MS);
  // 2 MiB for a 3 MiB download, the daemon's state included: the disk fills during the download.
  const mountPoint = path.join(fixture.seedDir, '..', `small-disk-${crypto.randomUUID()}`);
  fs.mkdirSync(mountPoint);
  const daemon = await daemonIn({ dataDir: path.join(mountPoint, 'data'), tmpfs: { mountPoint, sizeKiB: 2048 } });
  // The tmpfs exists in the daemon's mount namespace only: its files are seen through /proc/PID/root.
  const inside = (file: string) => path.join(`/proc/${daemon.process.pid}/root`, file);
  const into = path.join(mountPoint, 'downloads');
  const { torrent } = await daemon.api.add({ torrent: fs.readFileSync(fixture.torrent).toString('base64'), dir: into });

  const failed = await eventuallyAsync(async () => {
    const detail = await daemon.api.get(torrent.id);
    return detail.state === 'error' && detail;
  }, 'the torrent to stop with an error', DOWNLOAD_MS);
  expect(failed.error).toMatch(/ENOSPC|no space/i);
  const session = JSON.parse(fs.readFileSync(inside(path.join(mountPoint, 'data', 'session.json')), 'utf8'));
  expect(session.torrents).toEqual([expect.objectContaining({ infoHash: torrent.id, dir: into })]);
  expect(await daemon.api.list()).toEqual([expect.objectContaining({ id: torrent.id, state: 'error' })]);

  await daemon.api.remove(torrent.id, true);
  expect(fs.existsSync(inside(path.join(into, fixture.name)))).toBe(false);
  expect(await daemon.api.list()).toEqual([]);
  const after = JSON.parse(fs.readFileSync(inside(path.join(mountPoint, 'data', 'session.json')), 'utf8'));
  expect(after.torrents).toEqual([]);
});
