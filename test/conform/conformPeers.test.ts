/**
 * `swarmlab conform` end to end against real peers: ours (dist/, built by
 * `npm run build` or npm test's pretest), ours with its log misplaced, the
 * independent Python peer test/interop/pypeer.py, and a command that dies at once.
 */
import { jest } from '@jest/globals';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RULES } from '../../src/conform/rules.js';
import { runNodeScript } from '../support/runProcess.js';
import { missingToolError } from '../support/requiredTools.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SWARMLAB = path.join(ROOT, 'dist', 'cli', 'swarmlab.js');
const OUR_PEER = path.join(ROOT, 'dist', 'cli', 'peerProcess.js');
const PY_PEER = path.join(ROOT, 'test', 'interop', 'pypeer.py');
const PYTHON = process.env.PYTHON ?? 'python3';
/** A scenario takes 2-8 s, all five 20-25 s; this bounds a hung run (conform's own --timeout is per scenario). */
const RUN_BOUND_MS = 60_000;

jest.setTimeout(90_000);

let dir: string;
beforeAll(() => {
  if (!fs.existsSync(SWARMLAB) || !fs.existsSync(OUR_PEER)) throw new Error(`${SWARMLAB} or ${OUR_PEER} is missing: run \`npm run build\` first`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-conform-test-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Verdicts {
  rules: { id: string; verdict: string; evidence: string[] }[];
}

async function conform(command: string[], options: string[] = []) {
  const json = path.join(dir, `verdicts-${Date.now()}.json`);
  const result = await runNodeScript(SWARMLAB, ['conform', '--timeout', '20', '--json', json, ...options, '--', ...command], { cwd: dir, killAfterMs: RUN_BOUND_MS });
  const verdicts: Verdicts | undefined = fs.existsSync(json) ? JSON.parse(fs.readFileSync(json, 'utf8')) : undefined;
  const notPassing = verdicts?.rules.filter((r) => r.verdict !== 'pass') ?? [];
  return { ...result, verdicts, notPassing };
}

const FLAT = ['--peers-dir', '.', '--log-dir', '.'];

test('our own peerProcess passes every rule of every scenario: exit 0, the JSON has every rule', async () => {
  const run = await conform([process.execPath, OUR_PEER, '{id}', ...FLAT]);
  expect({ code: run.code, notPassing: run.notPassing }).toEqual({ code: 0, notPassing: [] });
  expect(run.verdicts!.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
  expect(run.stdout).toContain('28 pass, 0 fail, 0 not shown (of 28 rules)');
});

test('our peer with its log in logs/ fails log.file-place alone, saying where the log went: exit 9; --html writes the page', async () => {
  const html = path.join(dir, 'verdicts.html');
  const run = await conform([process.execPath, OUR_PEER, '{id}', '--peers-dir', '.', '--log-dir', 'logs'], ['--html', html]);
  expect(run.code).toBe(9);
  expect(run.notPassing).toEqual([
    {
      id: 'log.file-place',
      verdict: 'fail',
      evidence: [
        '[leecher] found at logs/log_peer_1002.log, not at ./log_peer_1002.log',
        '[seeder] found at logs/log_peer_1001.log, not at ./log_peer_1001.log',
        '[late-joiner] found at logs/log_peer_1003.log, not at ./log_peer_1003.log',
        '[by-rate] found at logs/log_peer_1005.log, not at ./log_peer_1005.log',
        '[two-sources] found at logs/log_peer_1003.log, not at ./log_peer_1003.log',
      ],
    },
  ]);
  expect(run.stdout).toContain('log.file-place: fail');
  expect(fs.readFileSync(html, 'utf8')).toContain('<td class="fail">✘ fail</td><td><pre>[leecher] found at logs/log_peer_1002.log, not at ./log_peer_1002.log');
});

test('--batch with a command after -- as well: a usage error (exit 2)', async () => {
  const run = await runNodeScript(SWARMLAB, ['conform', '--batch', dir, '--', 'python3', 'peer.py', '{id}'], { cwd: dir, killAfterMs: RUN_BOUND_MS });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('give either --batch DIR or a command after --, not both');
});

test('the independent Python peer passes every rule of every scenario', async () => {
  if (spawnSync(PYTHON, ['--version']).status !== 0) throw missingToolError('python3', `${PYTHON}`);
  const run = await conform([PYTHON, PY_PEER, '{id}']);
  expect({ code: run.code, notPassing: run.notPassing, output: run.code === 0 ? '' : run.output }).toEqual({ code: 0, notPassing: [], output: '' });
});

test('a peer that exits before any connection: exit 3, with its output and no verdicts', async () => {
  const run = await conform([process.execPath, '-e', 'console.log("cannot read Common.cfg"); process.exit(3)', '{id}']);
  expect(run.code).toBe(3);
  expect(run.stderr).toContain('the peer did not start in the leecher scenario (it ended (status 3) before any connection)');
  expect(run.stderr).toContain('  cannot read Common.cfg');
  expect(run.verdicts).toBeUndefined();
});

test('a --json file that cannot be written: the table is shown, then exit 6 naming the file', async () => {
  const json = path.join(dir, 'no-such-folder', 'verdicts.json');
  const run = await runNodeScript(SWARMLAB, ['conform', '--json', json, '--', process.execPath, OUR_PEER, '{id}', ...FLAT], { cwd: dir, killAfterMs: RUN_BOUND_MS });
  expect(run.code).toBe(6);
  expect(run.stdout).toContain('28 pass, 0 fail');
  expect(run.stderr).toContain(`conform: cannot write ${json}: ENOENT`);
});
