import { makeTempDir, removeTempDir } from '../fixtures.js';
import { startLocalTracker, type LocalTracker } from './localTracker.js';
import { exitedByItself, mustHaveExitedZero, RealSwarm, type ClientName } from './realSwarm.js';
import { multiFileFixture, sameTree, singleFileFixture, type TorrentFixture } from './torrentFixtures.js';

/** Bounds for a few MiB on loopback, well inside a test's 60 s. */
export const SEEDER_READY_MS = 15_000;
export const DOWNLOAD_MS = 40_000;

export type FixtureKind = 'single-file' | 'multi-file';

export interface RealClientsSuite {
  readonly tracker: LocalTracker;
  /** This test's clients. */
  readonly swarm: RealSwarm;
  fixture(kind: FixtureKind): TorrentFixture;
}

/**
 * The hooks of a test file that runs real clients: our tracker and both
 * torrents (single-file, multi-file) for the whole file, and a RealSwarm per
 * test whose clients are all stopped, by pid, when the test ends.
 */
export function realClientsSuite(): RealClientsSuite {
  let root: string;
  let tracker: LocalTracker;
  let swarm: RealSwarm;
  const fixtures = new Map<FixtureKind, TorrentFixture>();
  beforeAll(async () => {
    root = makeTempDir('swarmlab-real-clients-');
    tracker = await startLocalTracker();
    fixtures.set('single-file', await singleFileFixture(root, tracker.announceUrl));
    fixtures.set('multi-file', await multiFileFixture(root, tracker.announceUrl));
  });
  afterAll(async () => {
    await tracker.stop();
    if (!process.env.KEEP_INTEROP_DIRS) removeTempDir(root);
  });
  beforeEach(() => (swarm = new RealSwarm(tracker, root)));
  afterEach(() => swarm.stopAll());
  return {
    get tracker() {
      return tracker;
    },
    get swarm() {
      return swarm;
    },
    fixture: (kind) => fixtures.get(kind)!,
  };
}

/**
 * One trade: `seederName` seeds, `downloaderName` downloads. The downloader
 * must exit 0 by itself with a copy equal to the original, and the seeder
 * exit 0 on SIGTERM.
 */
export async function expectTrade(swarm: RealSwarm, seederName: ClientName, downloaderName: ClientName, fixture: TorrentFixture): Promise<void> {
  const seeder = await swarm.seeder(seederName, fixture, SEEDER_READY_MS);
  const { downloader, copy } = await swarm.downloader(downloaderName, fixture);
  mustHaveExitedZero(downloader, await exitedByItself(downloader, DOWNLOAD_MS));
  await sameTree(fixture.original, copy);
  await seeder.stop();
  mustHaveExitedZero(seeder, await seeder.exited);
}
