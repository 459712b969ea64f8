/**
 * Streaming a file while it downloads: the daemon (a process, limited to
 * 256 KiB/s so the download takes a while) gets a single-file torrent from
 * aria2; a reader asks for the last 100 KB with HTTP Range and gets exactly
 * the original's bytes long before the download ends, because those pieces
 * are asked for first.
 */
import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';
import { daemonsOfEachTest } from '../support/daemonProcess.js';
import { DOWNLOAD_MS, realClientsSuite, SEEDER_READY_MS } from '../support/realClients/suite.js';
import { withTimeout } from '../support/waiting.js';

jest.setTimeout(120_000);

const suite = realClientsSuite();
const startDaemon = daemonsOfEachTest();

test('a Range at the end of a file being downloaded comes first, byte for byte, while the rest is still missing', async () => {
  const fixture = suite.fixture('single-file');
  await suite.swarm.seeder('aria2', fixture, SEEDER_READY_MS);
  const daemon = await startDaemon({ dataDir: path.join(fixture.seedDir, '..', 'stream-data') });
  // 3 MiB at 256 KiB/s: 12 s for the whole file.
  await daemon.api.updateSettings({ limits: { downloadRate: 256 * 1024 } });
  const { torrent } = await daemon.api.add({ torrent: fs.readFileSync(fixture.torrent).toString('base64'), dir: path.join(fixture.seedDir, '..', 'stream-downloads') });

  const response = await withTimeout(
    fetch(`${daemon.apiUrl}/api/v1/torrents/${torrent.id}/files/0/stream`, { headers: { range: 'bytes=-100000' } }),
    'the stream to answer',
    DOWNLOAD_MS,
  );
  const original = fs.readFileSync(fixture.original);
  expect(response.status).toBe(206);
  expect(response.headers.get('content-range')).toBe(`bytes ${original.length - 100_000}-${original.length - 1}/${original.length}`);
  const body = Buffer.from(await withTimeout(response.arrayBuffer(), 'the range to arrive', DOWNLOAD_MS));
  const progress = (await daemon.api.get(torrent.id)).progress;
  expect(body.equals(original.subarray(original.length - 100_000))).toBe(true);
  expect(progress).toBeLessThan(0.5);

  const past = await fetch(`${daemon.apiUrl}/api/v1/torrents/${torrent.id}/files/0/stream`, { headers: { range: `bytes=${original.length}-` } });
  expect(past.status).toBe(416);
  expect(past.headers.get('content-range')).toBe(`bytes */${original.length}`);
});
