/**
 * A local BitTorrent swarm in one command: config/bittorrent's set-up (on
 * free ports) run by `swarmlab swarm --make-file` with its embedded tracker,
 * to a verified end; a rate limit seen in the times; a leecher killed
 * half-way that resumes what it had.
 */
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { runNodeScript, type ProcessResult } from '../support/runProcess.js';
import { debugLogOf, expectSwarmSuccess } from '../support/swarmOutcome.js';
import { bittorrentSetup, type BtSwarmSetup } from '../support/btSwarmDir.js';

const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');

function runSwarm(setup: BtSwarmSetup, args: string[] = []): Promise<ProcessResult> {
  return runNodeScript(SWARMLAB, ['swarm', '--make-file', '--timeout', '60', ...args], { cwd: setup.root, killAfterMs: 80_000 });
}

describe('a BitTorrent swarm run by swarmlab swarm', () => {
  let setup: BtSwarmSetup | undefined;
  afterEach(() => setup?.remove());

  beforeAll(() => {
    if (!fs.existsSync(SWARMLAB)) throw new Error(`${SWARMLAB} is missing: run npm run build (npm test does it first)`);
  });

  test("config/bittorrent's set-up: one command, the embedded tracker, every copy verified, every peer exits 0", async () => {
    setup = await bittorrentSetup();
    const result = await runSwarm(setup);
    expectSwarmSuccess(result, setup.peerIds.length);
    const { output } = result;
    expect(output).toContain(`tracker: ${setup.trackerUrl}`);
    for (const id of setup.peerIds) expect(output).toMatch(new RegExp(`^${id}\\s+done\\s`, 'm'));
    // The .torrent it made names this run's tracker and is private: a real client added to the swarm stays in it.
    const meta = parseMetaInfo(fs.readFileSync(path.join(setup.root, 'bittorrent.torrent')), 'bittorrent.torrent');
    expect({ tiers: meta.trackerTiers, isPrivate: meta.isPrivate, name: meta.name, pieces: meta.pieceCount }).toEqual({
      tiers: [[setup.trackerUrl]],
      isPrivate: true,
      name: setup.fileName,
      pieces: setup.pieceCount,
    });
    // Debug logs only (the spec's sentences are the course's), saying whom each met, through what, and why it ended.
    expect(fs.readdirSync(path.join(setup.root, 'logs')).sort()).toEqual(setup.peerIds.map((id) => `log_peer_${id}.debug.log`).sort());
    for (const id of setup.peerIds) {
      const log = debugLogOf(setup.root, id);
      expect(log).toContain(`tracker ${setup.trackerUrl}: `);
      expect(log).toMatch(/connected to peer \d+ at 127\.0\.0\.1:\d+ \((outbound|inbound)\)/);
      expect(log).toContain('every peer listed in PeerInfo.cfg has the complete file: closing connections');
      expect(log.includes('download complete: every piece verified')).toBe(!setup.seeders.includes(id));
    }
  }, 90_000);

  test("a seeder's upload limit (--limit) holds its only leecher to it; a course-only key is named as ignored", async () => {
    setup = await bittorrentSetup({ peers: 2, fileSize: 1_500_000, more: ['RequestStrategy rarest-first'] });
    const rate = 500 * 1024;
    const result = await runSwarm(setup, ['--limit', `${setup.peerIds[0]}:up=500KiB/s,down=100MiB/s`]);
    expectSwarmSuccess(result, 2);
    const took = new RegExp(`^${setup.peerIds[1]}\\s+done\\s+(\\d+\\.\\d+) s`, 'm').exec(result.output);
    expect(took).not.toBeNull();
    // All but the bucket's burst (a tenth of a second's worth) at the rate: about 2.8 s; unlimited, it takes a fraction of that.
    expect(Number(took![1])).toBeGreaterThanOrEqual((1_500_000 - rate / 10) / rate);
    expect(debugLogOf(setup.root, setup.peerIds[0])).toContain(`rate limits: upload ${rate} B/s`);
    expect(debugLogOf(setup.root, setup.peerIds[1])).toContain('RequestStrategy is for course peers, ignored here');
  }, 90_000);

  test('a leecher killed half-way starts again and resumes the pieces it had; the swarm still ends verified', async () => {
    setup = await bittorrentSetup({ peers: 4 });
    const victim = setup.peerIds[2];
    // Its download is limited, so the kill (decided on progress reports a moment old) lands mid-way.
    const result = await runSwarm(setup, ['--kill', `${victim}@50`, '--restart-crashed', '1', '--limit', `${victim}:up=100MiB/s,down=1MiB/s`]);
    expectSwarmSuccess(result, 4);
    expect(result.output).toMatch(new RegExp(`^${victim}\\s+done \\(restarted 1x\\)`, 'm'));
    const log = debugLogOf(setup.root, victim);
    // Both lives in one log; the second starts from what the first had written and verified.
    const resumed = /our bitfield: (\d+)\/\d+ pieces; .*(resumed \d+ pieces from the resume state|checked the file against the metainfo)/.exec(log.split('listening on port').slice(1).join(''));
    expect(resumed).not.toBeNull();
    expect(Number(resumed![1])).toBeGreaterThan(0);
    expect(Number(resumed![1])).toBeLessThan(setup.pieceCount);
    expect(log.match(/download complete: every piece verified/g)).toHaveLength(1);
  }, 90_000);

  test('--resume: a second run takes the leechers\' pieces from their resume states and downloads nothing', async () => {
    setup = await bittorrentSetup({ peers: 2, fileSize: 300_000 });
    expectSwarmSuccess(await runSwarm(setup), 2);
    const again = await runSwarm(setup, ['--resume']);
    expectSwarmSuccess(again, 2);
    const leecher = setup.peerIds[1];
    const pieces = Math.ceil(300_000 / 65_536);
    const lives = debugLogOf(setup.root, leecher).split('info: config read from');
    expect(lives).toHaveLength(3); // two starts: the resumed run continued the log
    expect(lives[2]).toContain(`our bitfield: ${pieces}/${pieces} pieces; `);
    expect(lives[2]).toContain(`resumed ${pieces} pieces from the resume state`);
    expect(lives[2]).not.toContain('download complete');
    expect(again.output).toMatch(new RegExp(`^${leecher}\\s+done\\s+had it already`, 'm'));
  }, 90_000);

  test('a .torrent that names another tracker: a warning that says what to do, and the peers meet through PeerInfo.cfg alone', async () => {
    setup = await bittorrentSetup({ peers: 3, fileSize: 500_000 });
    const seedFile = path.join(setup.root, 'peers', `peer_${setup.seeders[0]}`, setup.fileName);
    fs.mkdirSync(path.dirname(seedFile), { recursive: true });
    fs.writeFileSync(seedFile, Buffer.alloc(500_000, 7));
    const made = await runNodeScript(SWARMLAB, ['make-torrent', seedFile, '--piece-size', '65536', '--announce', 'http://127.0.0.1:1/announce', '-o', path.join(setup.root, 'bittorrent.torrent')], {
      cwd: setup.root,
      killAfterMs: 20_000,
    });
    expect(made.code).toBe(0);
    const result = await runSwarm(setup);
    expect(result.output).toContain(
      `swarm: warning: bittorrent.torrent announces to http://127.0.0.1:1/announce, not to this run's ${setup.trackerUrl}: the peers find each other through PeerInfo.cfg only; ` +
        'delete it and run with --make-file to make one that names this tracker',
    );
    expectSwarmSuccess(result, 3);
  }, 90_000);

  test("the tracker's port is taken: exit 5 naming TrackerPort, and no peer started", async () => {
    setup = await bittorrentSetup({ peers: 2, fileSize: 10_000 });
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(setup!.trackerPort, '127.0.0.1', resolve));
    try {
      const result = await runSwarm(setup);
      expect(result.code).toBe(5);
      expect(result.stderr).toContain(`swarm: the tracker cannot listen on 127.0.0.1:${setup.trackerPort} (TrackerPort in Common.cfg): `);
      expect(fs.existsSync(path.join(setup.root, 'logs'))).toBe(false);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, 30_000);
});
