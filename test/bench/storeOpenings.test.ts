/**
 * The daemon says in its debug log how it opened each torrent's files, and the
 * daemon benchmark counts those lines to prove a restart rehashed nothing.
 */
import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';
import { systemClock } from '../../src/common/Clock.js';
import { systemRandom } from '../../src/common/Random.js';
import { Daemon } from '../../src/daemon/Daemon.js';
import { DaemonError } from '../../src/daemon/DaemonControl.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';
import { eventually } from '../support/polling.js';
import { startLocalTracker, type LocalTracker } from '../support/realClients/localTracker.js';
import { multiFileFixture, singleFileFixture } from '../support/realClients/torrentFixtures.js';
import { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';
import { freePort, LOOPBACK } from '../support/sockets.js';
import { storeOpenings } from './storeOpenings.js';

jest.setTimeout(60_000);

let root: string;
let tracker: LocalTracker;

beforeEach(async () => {
  root = makeTempDir('swarmlab-store-openings-');
  tracker = await startLocalTracker();
});

afterEach(async () => {
  await tracker.stop();
  removeTempDir(root);
});

async function openDaemon(dataDir: string, peerPort: number, diagnostics: RecordingDiagnostics): Promise<Daemon> {
  return Daemon.open({
    dataDir,
    peerPort,
    bind: LOOPBACK,
    clock: systemClock,
    random: systemRandom,
    diagnostics,
    version: '0.0.0-test',
    fetchUrl: async (url) => {
      throw new DaemonError('bad-input', `${url}: no fetching in this test`);
    },
  });
}

const infoLines = (diagnostics: RecordingDiagnostics) => diagnostics.at('info').map((message) => `2026-01-01 00:00:00.000 [bt] info: ${message}`).join('\n');

test('files over data with no resume state are rechecked, an empty folder is fresh, and after a restart both are resumed', async () => {
  const single = await singleFileFixture(root, tracker.announceUrl);
  const multi = await multiFileFixture(path.join(root, 'm'), tracker.announceUrl);
  const dataDir = path.join(root, 'data');
  const peerPort = await freePort();
  const first = new RecordingDiagnostics();
  const daemon = await openDaemon(dataDir, peerPort, first);
  const seeding = await daemon.add({ kind: 'torrent', bytes: fs.readFileSync(single.torrent) }, { dir: single.seedDir });
  await daemon.add({ kind: 'torrent', bytes: fs.readFileSync(multi.torrent) }, { dir: path.join(root, 'empty') });
  await eventually(() => daemon.list().every((t) => t.state === 'seeding' || t.state === 'downloading'), 'both to start', 20_000);
  await daemon.close();
  expect(storeOpenings(infoLines(first))).toEqual({ resumed: 0, fresh: 1, rechecked: [`${seeding.torrent.id}: no resume state`] });

  const again = new RecordingDiagnostics();
  const restarted = await openDaemon(dataDir, peerPort, again);
  try {
    await eventually(() => restarted.list().every((t) => t.state === 'seeding' || t.state === 'downloading'), 'both to start again', 20_000);
  } finally {
    await restarted.close();
  }
  expect(storeOpenings(infoLines(again))).toEqual({ resumed: 2, fresh: 0, rechecked: [] });
});
