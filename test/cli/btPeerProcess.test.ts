/**
 * peerProcess with `Protocol bittorrent`: bad set-ups stop it with the
 * course peer's exit codes and one line saying what is wrong and where.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../src/config/Config.js';
import { prepareSeedFiles } from '../../src/launcher/seedFiles.js';
import { bittorrentSetup, type BtSwarmSetup } from '../support/btSwarmDir.js';
import { runNodeScript, type ProcessResult } from '../support/runProcess.js';

const PEER_PROCESS = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'peerProcess.js');

let setup: BtSwarmSetup;
beforeEach(async () => (setup = await bittorrentSetup({ peers: 2, fileSize: 100_000 })));
afterEach(() => setup.remove());

function peer(id: number): Promise<ProcessResult> {
  return runNodeScript(PEER_PROCESS, [String(id)], { cwd: setup.root, killAfterMs: 20_000 });
}

test('Protocol bittorrent without MetaInfo: exit 3 on the Protocol line', async () => {
  const file = path.join(setup.root, 'Common.cfg');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^MetaInfo .*$/m, ''));
  const { code, stderr } = await peer(6001);
  expect(code).toBe(3);
  expect(stderr).toMatch(/Common\.cfg:\d+: Protocol: bittorrent needs a MetaInfo key naming the \.torrent the peers share/);
});

test('the .torrent is missing: exit 8 naming it', async () => {
  const { code, stderr } = await peer(6002);
  expect(code).toBe(8);
  expect(stderr).toContain('bittorrent.torrent');
});

test("a seeder whose file is not the .torrent's: exit 4 naming the pieces, the file and what to do", async () => {
  await prepareSeedFiles(loadConfig(setup.root), path.join(setup.root, 'peers'), true);
  const seedFile = path.join('peers', 'peer_6001', setup.fileName);
  fs.writeFileSync(path.join(setup.root, seedFile), Buffer.alloc(100_000, 1)); // other bytes, the same size
  const { code, stderr } = await peer(6001);
  expect(code).toBe(4);
  expect(stderr).toMatch(/^peerProcess 6001: .*pieces 0-1 of 2 do not match the torrent/);
  expect(stderr).toContain(`put the 100000-byte ${setup.fileName} at ${seedFile}, or let the launcher create one of random bytes: swarmlab swarm --make-file`);
  expect(stderr.trim().split('\n')).toHaveLength(1);
});
