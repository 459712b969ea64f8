/**
 * The dashboard's header: the file, and the choking's k, p and m; a
 * BitTorrent swarm's peers choke by BitTorrent's own (4 slots, 10 s, 30 s),
 * whatever Common.cfg's three required keys say.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../src/config/Config.js';
import { dashboardFacts } from '../../src/dashboard/facts.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';

let setup: SwarmSetup | undefined;
afterEach(() => setup?.remove());

test('a course swarm shows its Common.cfg k, p and m', async () => {
  setup = await makeSwarmDir({ peers: 2, fileSize: 10_000, pieceSize: 1_000, k: 3, unchokingSeconds: 2, optimisticSeconds: 6 });
  expect(dashboardFacts(loadConfig(setup.root))).toEqual({
    title: `swarmlab: ${path.basename(setup.root)}`,
    fileName: 'shared.dat',
    fileSize: 10_000,
    pieceCount: 10,
    preferredNeighbours: 3,
    unchokingIntervalSeconds: 2,
    optimisticIntervalSeconds: 6,
  });
});

test("a BitTorrent swarm shows BitTorrent's choking, and says it is one", async () => {
  setup = await makeSwarmDir({ peers: 2, fileSize: 10_000, pieceSize: 1_000, k: 3, unchokingSeconds: 2, optimisticSeconds: 6 });
  fs.appendFileSync(path.join(setup.root, 'Common.cfg'), 'Protocol bittorrent\nMetaInfo swarm.torrent\n');
  expect(dashboardFacts(loadConfig(setup.root))).toMatchObject({
    title: `swarmlab: ${path.basename(setup.root)} (BitTorrent)`,
    preferredNeighbours: 4,
    unchokingIntervalSeconds: 10,
    optimisticIntervalSeconds: 30,
  });
});
