/**
 * `swarmlab download` and `swarmlab seed` (dist/cli/swarmlab.js: `npm test`
 * builds it first) trading our private torrents with Debian's aria2 and
 * libtorrent through our tracker, on 127.0.0.1: each way, with a single-file
 * and a multi-file torrent, and in a mixed swarm. A swarmlab downloader must
 * exit 0 by itself with an exact copy; every seeder must exit 0 on SIGTERM.
 */
import { jest } from '@jest/globals';
import { exitedByItself, mustHaveExitedZero, type ClientName } from '../support/realClients/realSwarm.js';
import { DOWNLOAD_MS, expectTrade, realClientsSuite, SEEDER_READY_MS, type FixtureKind } from '../support/realClients/suite.js';
import { sameTree } from '../support/realClients/torrentFixtures.js';

jest.setTimeout(60_000);

const PAIRS: [seeder: ClientName, downloader: ClientName][] = [
  ['aria2', 'swarmlab'],
  ['swarmlab', 'aria2'],
  ['libtorrent', 'swarmlab'],
  ['swarmlab', 'libtorrent'],
];
const KINDS: FixtureKind[] = ['single-file', 'multi-file'];

describe('swarmlab download and seed trade with aria2 and libtorrent', () => {
  const suite = realClientsSuite();

  test.each(PAIRS.flatMap(([seeder, downloader]) => KINDS.map((kind): [ClientName, ClientName, FixtureKind] => [seeder, downloader, kind])))(
    '%s seeds, %s downloads the %s torrent: an exact copy, both exit 0',
    async (seeder, downloader, kind) => {
      await expectTrade(suite.swarm, seeder, downloader, suite.fixture(kind));
    },
  );

  test('a mixed swarm: an aria2 seeder, a libtorrent and two swarmlab leechers all end with exact copies', async () => {
    const fixture = suite.fixture('multi-file');
    const seeder = await suite.swarm.seeder('aria2', fixture, SEEDER_READY_MS);
    const leechers = [];
    for (const client of ['libtorrent', 'swarmlab', 'swarmlab'] as const) leechers.push(await suite.swarm.downloader(client, fixture));
    for (const { downloader, copy } of leechers) {
      mustHaveExitedZero(downloader, await exitedByItself(downloader, DOWNLOAD_MS));
      await sameTree(fixture.original, copy);
    }
    await seeder.stop();
    mustHaveExitedZero(seeder, await seeder.exited);
  });
});
