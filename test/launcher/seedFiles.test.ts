/**
 * --make-file and the .torrent named by MetaInfo: written when missing,
 * written again when the seeders' bytes are new (the old one describes other
 * data), and for a BitTorrent set-up naming the launcher's tracker, private.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../src/config/Config.js';
import { prepareSeedFiles } from '../../src/launcher/seedFiles.js';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { bittorrentSetup, type BtSwarmSetup } from '../support/btSwarmDir.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';

let setup: BtSwarmSetup | SwarmSetup | undefined;
afterEach(() => setup?.remove());

const torrentIn = (root: string, name: string) => parseMetaInfo(fs.readFileSync(path.join(root, name)), name);

test('a BitTorrent set-up: the .torrent names the tracker of TrackerPort on 127.0.0.1 and is private', async () => {
  const bt = await bittorrentSetup({ peers: 2, fileSize: 100_000 });
  setup = bt;
  const created = await prepareSeedFiles(loadConfig(bt.root), path.join(bt.root, 'peers'), true);
  expect(created.map((file) => path.relative(bt.root, file))).toEqual([path.join('peers', 'peer_6001', bt.fileName), 'bittorrent.torrent']);
  const meta = torrentIn(bt.root, 'bittorrent.torrent');
  expect({ tiers: meta.trackerTiers, isPrivate: meta.isPrivate, length: meta.length }).toEqual({ tiers: [[bt.trackerUrl]], isPrivate: true, length: 100_000 });
});

test('new random bytes for the seeders: the .torrent is made again; the same bytes: it is kept', async () => {
  const bt = await bittorrentSetup({ peers: 2, fileSize: 100_000 });
  setup = bt;
  const config = loadConfig(bt.root);
  const peersDir = path.join(bt.root, 'peers');
  await prepareSeedFiles(config, peersDir, true);
  const first = torrentIn(bt.root, 'bittorrent.torrent').infoHash;
  expect(await prepareSeedFiles(config, peersDir, true)).toEqual([]); // nothing missing: nothing made
  fs.rmSync(peersDir, { recursive: true });
  const again = await prepareSeedFiles(config, peersDir, true);
  expect(again.map((file) => path.basename(file))).toEqual([bt.fileName, 'bittorrent.torrent']);
  expect(torrentIn(bt.root, 'bittorrent.torrent').infoHash.equals(first)).toBe(false);
});

test('a course set-up with MetaInfo: no tracker, not private (as before)', async () => {
  const course = await makeSwarmDir({ peers: 2, fileSize: 10_000, pieceSize: 1_000 });
  setup = course;
  fs.appendFileSync(path.join(course.root, 'Common.cfg'), 'MetaInfo course.torrent\n');
  await prepareSeedFiles(loadConfig(course.root), path.join(course.root, 'peers'), true);
  const meta = torrentIn(course.root, 'course.torrent');
  expect({ tiers: meta.trackerTiers, isPrivate: meta.isPrivate }).toEqual({ tiers: [], isPrivate: false });
});
