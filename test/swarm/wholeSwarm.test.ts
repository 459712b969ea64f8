import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { readProtocolLog } from '../support/logChecks.js';
import { runNodeScript, type ProcessResult } from '../support/runProcess.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';

const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');

/** Runs `swarmlab swarm` in the set-up's dir; past the test's own bound it stops the launcher, which stops its peers. */
function runSwarm(setup: SwarmSetup, extraArgs: string[] = []): Promise<ProcessResult> {
  return runNodeScript(SWARMLAB, ['swarm', '--timeout', '60', ...extraArgs], { cwd: setup.root, killAfterMs: 80_000 });
}

describe('a whole swarm of real peerProcess processes on 127.0.0.1', () => {
  let setup: SwarmSetup | undefined;
  afterEach(() => setup?.remove());

  beforeAll(() => {
    if (!fs.existsSync(SWARMLAB)) throw new Error(`${SWARMLAB} is missing: run npm run build (npm test does it first)`);
  });

  test('six peers, one seeder: all exit 0, copies identical, logs are the spec sentences', async () => {
    setup = await makeSwarmDir({ peers: 6, fileSize: 300_001, pieceSize: 4096 });
    const seed = randomBytes(setup.fileSize);
    fs.mkdirSync(path.join(setup.root, 'peers', 'peer_1001'), { recursive: true });
    fs.writeFileSync(path.join(setup.root, 'peers', 'peer_1001', setup.fileName), seed);

    const { code, output } = await runSwarm(setup);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining("byte-identical to the seeder's") });

    const pieceCount = Math.ceil(setup.fileSize / setup.pieceSize);
    const logDir = path.join(setup.root, 'logs');
    for (const [position, id] of setup.peerIds.entries()) {
      const copy = fs.readFileSync(path.join(setup.root, 'peers', `peer_${id}`, setup.fileName));
      expect(copy.equals(seed)).toBe(true);

      const events = readProtocolLog(logDir, id);
      // Each peer dials every earlier peer and is dialled by every later one.
      const dialled = events.flatMap((e) => (e.kind === 'makesConnection' ? [e.other] : []));
      const accepted = events.flatMap((e) => (e.kind === 'connectedFrom' ? [e.other] : []));
      expect(dialled.sort()).toEqual(setup.peerIds.slice(0, position));
      expect(accepted.sort()).toEqual(setup.peerIds.slice(position + 1));

      const completes = events.filter((e) => e.kind === 'completeFile').length;
      const counts = events.flatMap((e) => (e.kind === 'downloadedPiece' ? [e.count] : []));
      const indices = events.flatMap((e) => (e.kind === 'downloadedPiece' ? [e.index] : []));
      if (setup.seeders.includes(id)) {
        expect(completes).toBe(0);
        expect(counts).toEqual([]);
      } else {
        expect(completes).toBe(1);
        expect(counts).toEqual(Array.from({ length: pieceCount }, (_, i) => i + 1));
        expect(new Set(indices).size).toBe(pieceCount);
      }
      // Nobody has more than k preferred neighbours at once.
      for (const e of events) if (e.kind === 'preferredNeighbors') expect(e.neighbours.length).toBeLessThanOrEqual(2);
    }
    // The log checker agrees: every sentence, count, connection and the k+1 bound across the logs.
    const checked = await runNodeScript(SWARMLAB, ['check-logs', 'logs'], { cwd: setup.root, killAfterMs: 20_000 });
    expect({ code: checked.code, output: checked.output }).toEqual({ code: 0, output: expect.stringContaining('6 logs checked with Common.cfg and PeerInfo.cfg: no violations') });
    // And the report of the run is written from the same logs.
    const report = await runNodeScript(SWARMLAB, ['report', '--logs', 'logs', '-o', 'report.html'], { cwd: setup.root, killAfterMs: 20_000 });
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/wrote report\.html: \d of 8 course requirements shown, 0 log violation\(s\)/);
    const html = fs.readFileSync(path.join(setup.root, 'report.html'), 'utf8');
    for (const id of setup.peerIds.slice(1)) expect(html).toContain(`<title>peer ${id}</title>`); // a line per leecher in the plot
  }, 90_000);

  test('several seeders, one listed last, and --make-file creates the seed file', async () => {
    setup = await makeSwarmDir({ peers: 5, seeders: [1001, 1005], fileSize: 100_000, pieceSize: 1000, k: 1 });
    // Logs of an earlier experiment's peer that this run does not have are set aside in logs/previous/.
    fs.mkdirSync(path.join(setup.root, 'logs'));
    fs.writeFileSync(path.join(setup.root, 'logs', 'log_peer_4242.log'), 'old\n');
    fs.writeFileSync(path.join(setup.root, 'logs', 'notes.txt'), 'mine\n');
    const { code, output } = await runSwarm(setup, ['--make-file']);
    expect(output).toContain(`moved the previous run's 1 log files to ${path.join(fs.realpathSync(setup.root), 'logs', 'previous')}`);
    expect(fs.readFileSync(path.join(setup.root, 'logs', 'previous', 'log_peer_4242.log'), 'utf8')).toBe('old\n');
    expect(fs.readdirSync(path.join(setup.root, 'logs'))).toContain('notes.txt');
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('all 5 copies are byte-identical') });
    expect(output).toMatch(/created .*peer_1001.shared\.dat/);
    for (const id of setup.peerIds) {
      const events = readProtocolLog(path.join(setup.root, 'logs'), id);
      expect(events.filter((e) => e.kind === 'completeFile')).toHaveLength(setup.seeders.includes(id) ? 0 : 1);
    }
  }, 90_000);

  test('each run is a fresh experiment, the one before it kept in logs/previous/; --resume keeps what the leechers hold', async () => {
    setup = await makeSwarmDir({ peers: 3, fileSize: 20_000, pieceSize: 1000 });
    const downloads = (id: number, dir = 'logs') => readProtocolLog(path.join(setup!.root, dir), id).filter((e) => e.kind === 'downloadedPiece').length;
    expect((await runSwarm(setup, ['--make-file'])).code).toBe(0);
    const second = await runSwarm(setup);
    expect(second.code).toBe(0);
    expect(second.output).toContain("moved the previous run's 6 log files to");
    expect(downloads(1002)).toBe(20); // downloaded again from nothing
    expect(downloads(1002, 'logs/previous')).toBe(20); // the first run's log, kept
    const resumed = await runSwarm(setup, ['--resume']);
    expect(resumed.code).toBe(0);
    // Resumed complete: nothing more downloaded (the log, continued, holds the last run's 20 lines).
    expect(downloads(1002)).toBe(20);
    expect(fs.readFileSync(path.join(setup.root, 'logs', 'log_peer_1002.debug.log'), 'utf8')).toContain('resumed 20 pieces from the resume state');
    expect(resumed.output).toContain("all 3 copies are byte-identical to the seeder's");
    expect(resumed.output).not.toContain('moved the previous run');
  }, 90_000);

  test('a seeder without its file: the launcher says so and exits non-zero, starting nothing', async () => {
    setup = await makeSwarmDir({ peers: 3, fileSize: 1000, pieceSize: 100 });
    const { code, output } = await runSwarm(setup);
    expect(code).toBe(4);
    expect(output).toMatch(/peer_1001.*shared\.dat missing.*--make-file/);
    expect(fs.existsSync(path.join(setup.root, 'logs'))).toBe(false);
  }, 30_000);
});
