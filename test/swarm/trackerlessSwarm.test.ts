/**
 * config/trackerless in one command: `swarmlab swarm --make-file` starts six
 * peers that find each other only through a local DHT (the first peer its
 * bootstrap node), the leechers starting from the info-hash alone and
 * fetching the torrent's metadata from peers; every copy ends verified.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { freePorts } from '../../src/net/freePorts.js';
import { runNodeScript } from '../support/runProcess.js';
import { debugLogOf, expectSwarmSuccess } from '../support/swarmOutcome.js';

const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');
const TRACKERLESS_CONFIG = path.join(import.meta.dirname, '..', '..', 'config', 'trackerless');

test("config/trackerless: no tracker, no list to dial; the DHT and the metadata from peers; every copy verified", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-trackerless-'));
  try {
    const listed = fs.readFileSync(path.join(TRACKERLESS_CONFIG, 'PeerInfo.cfg'), 'utf8').split('\n').filter((line) => /^\d/.test(line)).map((line) => line.split(/\s+/));
    // Free TCP ports; each peer's DHT node takes the UDP port of the same number.
    const ports = await freePorts(listed.length);
    fs.writeFileSync(path.join(root, 'PeerInfo.cfg'), listed.map(([id, , , hasFile], i) => `${id} 127.0.0.1 ${ports[i]} ${hasFile}\n`).join(''));
    fs.copyFileSync(path.join(TRACKERLESS_CONFIG, 'Common.cfg'), path.join(root, 'Common.cfg'));
    const result = await runNodeScript(SWARMLAB, ['swarm', '--make-file', '--timeout', '90'], { cwd: root, killAfterMs: 110_000 });
    expectSwarmSuccess(result, listed.length);
    expect(result.output).not.toContain('tracker:');
    const meta = parseMetaInfo(fs.readFileSync(path.join(root, 'trackerless.torrent')), 'trackerless.torrent');
    expect({ tiers: meta.trackerTiers, isPrivate: meta.isPrivate }).toEqual({ tiers: [], isPrivate: false });
    for (const [id, , , hasFile] of listed) {
      const log = debugLogOf(root, Number(id));
      expect(log).toMatch(/DHT [0-9a-f]{8}: announced port \d+ to [1-9]\d* node\(s\)/);
      expect(log).not.toMatch(/tracker http/);
      if (hasFile === '0') expect(log).toMatch(/got the metadata of trackerless\.bin \(\d+ bytes\) from peers/);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}, 120_000);
