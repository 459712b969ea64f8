import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runNodeScript, type ProcessResult } from '../support/runProcess.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';

const DIST = path.join(import.meta.dirname, '..', '..', 'dist', 'cli');
const VERSION = (JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

function run(script: string, args: string[], cwd: string): Promise<ProcessResult> {
  return runNodeScript(path.join(DIST, script), args, { cwd, killAfterMs: 20_000 });
}

describe('what a new user meets first', () => {
  let setup: SwarmSetup;
  beforeEach(async () => (setup = await makeSwarmDir({ peers: 1, fileSize: 1000, pieceSize: 100 })));
  afterEach(() => setup.remove());

  test.each([
    ['peerProcess.js', ['--version']],
    ['swarmlab.js', ['--version']],
    ['swarmlab.js', ['swarm', '--version']],
    ['swarmlab.js', ['check-logs', '--version']],
  ])('%s %s prints the package version', async (script, args) => {
    const { code, stdout } = await run(script, args, setup.root);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(VERSION);
  });

  test('swarmlab alone lists the commands it asks for, and exits 2', async () => {
    const { code, stderr } = await run('swarmlab.js', [], setup.root);
    expect(code).toBe(2);
    for (const command of ['swarm', 'check-logs', 'report', 'make-torrent', 'torrent-info']) expect(stderr).toContain(`swarmlab ${command}`);
    expect(stderr).toContain('name a command');
  });

  test('peerProcess abc quotes what was given instead of NaN', async () => {
    const { code, stderr } = await run('peerProcess.js', ['abc'], setup.root);
    expect(code).toBe(2);
    expect(stderr).toContain("got 'abc'");
    expect(stderr).not.toContain('NaN');
  });

  test('a seeder run by hand without its file says where the file goes and how to make one', async () => {
    const { code, stderr } = await run('peerProcess.js', ['1001'], setup.root);
    expect(code).toBe(4);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`put the 1000-byte ${setup.fileName} at ${path.join('peers', 'peer_1001', setup.fileName)}`);
    expect(stderr).toContain('swarmlab swarm --make-file');
    expect(stderr).not.toContain('ENOENT: ENOENT');
  });

  test('a rate-limit flag wins over the same key in Common.cfg, as the request-strategy flag does', async () => {
    fs.appendFileSync(path.join(setup.root, 'Common.cfg'), 'MaxUploadRate 1MiB/s\nMaxDownloadRate 3MiB/s\nRequestStrategy course\n');
    fs.mkdirSync(path.join(setup.root, 'peers', 'peer_1001'), { recursive: true });
    fs.writeFileSync(path.join(setup.root, 'peers', 'peer_1001', setup.fileName), Buffer.alloc(1000));
    // A lone seeder: every listed peer is complete, so it ends at once.
    const { code, stdout } = await run('peerProcess.js', ['1001', '--max-upload-rate', '2MiB/s', '--request-strategy', 'rarest-first'], setup.root);
    expect(code).toBe(0);
    expect(stdout).toContain('rate limits: upload 2097152 B/s');
    expect(stdout).toContain('download 3145728 B/s');
    expect(stdout).toContain('request strategy: rarest-first');
  });

  test('--help says that the command line wins over Common.cfg', async () => {
    for (const script of ['peerProcess.js', 'swarmlab.js']) {
      expect((await run(script, ['--help'], setup.root)).stdout).toContain('Options given on the command line win over the same settings in Common.cfg.');
    }
  });
});

describe('the built programs, as npm links them', () => {
  test.each(['peerProcess.js', 'swarmlab.js'])('%s runs as a program (executable, with its first line)', (script) => {
    expect(execFileSync(path.join(DIST, script), ['--version'], { encoding: 'utf8' }).trim()).toBe(VERSION);
  });

  test("swarmlab's first line keeps V8's young generation small (a download's memory)", () => {
    // Prints the young generation's size from inside the program, after its own flags applied.
    const probe = "data:text/javascript,import v8 from 'v8'; process.on('exit', () => process.stderr.write('new space ' + v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size))";
    const result = spawnSync(path.join(DIST, 'swarmlab.js'), ['--version'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `--import="${probe}"` } });
    expect(result.status).toBe(0);
    const newSpace = Number(/new space (\d+)/.exec(result.stderr)?.[1]);
    expect(newSpace).toBeGreaterThan(0);
    expect(newSpace).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  test("swarmlab's first line keeps the optimizing compiler on the main thread (no malloc arena of its own)", () => {
    const probe = "data:text/javascript,process.on('exit', () => process.stderr.write('flags ' + JSON.stringify(process.execArgv)))";
    const result = spawnSync(path.join(DIST, 'swarmlab.js'), ['--version'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `--import="${probe}"` } });
    expect(result.status).toBe(0);
    expect(JSON.parse(/flags (.*)/.exec(result.stderr)?.[1] ?? '[]')).toContain('--no-concurrent-recompilation');
  });
});
