/**
 * `swarmlab conform --batch DIR` end to end: our peer (passes), the Python
 * peer with one fault (fails have.after-each-piece), a submission whose
 * command dies at once (a row saying so), a folder without a run file (skipped).
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
const BROKEN_PEER = path.join(import.meta.dirname, 'brokenpeer.py');
const PYTHON = process.env.PYTHON ?? 'python3';
/** Five scenarios of 2-8 s (20-25 s in all) for each of two submissions; this bounds a hung run. */
const RUN_BOUND_MS = 90_000;

jest.setTimeout(120_000);

let dir: string;
beforeAll(() => {
  if (!fs.existsSync(SWARMLAB) || !fs.existsSync(OUR_PEER)) throw new Error(`${SWARMLAB} or ${OUR_PEER} is missing: run \`npm run build\` first`);
  if (spawnSync(PYTHON, ['--version']).status !== 0) throw missingToolError('python3', PYTHON);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-conform-batch-test-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function submission(name: string, files: Record<string, string>): void {
  fs.mkdirSync(path.join(dir, 'subs', name), { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'subs', name, file), text);
}

test('a batch of four folders: one row per submission, the failing one with its evidence, the dead one with its output, the one without run skipped; exit 9, JSON and HTML', async () => {
  submission('alice', { run: `${process.execPath} ${OUR_PEER} {id} --peers-dir . --log-dir .\n` });
  submission('bob', { run: `${PYTHON} ${BROKEN_PEER} {id} --fault no-have\n` });
  // ./dies.js is a path in the submission folder: if it were not made absolute, node would say it cannot find it.
  submission('carol', { run: `${process.execPath} ./dies.js {id}\n`, 'dies.js': 'console.log("cannot read Common.cfg"); process.exit(3);\n' });
  submission('dave', { 'README.txt': 'forgot the run file\n' });
  const json = path.join(dir, 'batch.json');
  const html = path.join(dir, 'batch.html');
  const run = await runNodeScript(SWARMLAB, ['conform', '--batch', 'subs', '--timeout', '20', '--json', json, '--html', html], { cwd: dir, killAfterMs: RUN_BOUND_MS });

  expect(run.code).toBe(9);
  const lines = run.stdout.split('\n');
  expect(lines[0]).toMatch(/^submission\s+1\s+2\s+3 .* 28\s+pass$/);
  expect(lines.find((l) => l.startsWith('alice'))).toMatch(/^alice\s+(✔\s+){28}28\/28$/);
  expect(lines.find((l) => l.startsWith('bob'))).toMatch(/^bob\s+(✔\s+){12}·\s+·\s+(✔\s+){8}✘\s+✘\s+(✔\s+){4}24\/28$/);
  expect(lines.find((l) => l.startsWith('carol'))).toMatch(/^carol\s+did not start: cannot read Common.cfg$/);
  expect(run.stdout).toContain('23 have.after-each-piece');
  expect(run.stdout).toMatch(/\nbob:\n {2}have\.after-each-piece: \[leecher\] no have \d after /);
  expect(run.stdout).toContain('carol: the peer did not start in the leecher scenario (it ended (status 3) before any connection)\n  cannot read Common.cfg');
  expect(run.stdout).toContain('skipped (no run file): dave');

  const verdicts = JSON.parse(fs.readFileSync(json, 'utf8'));
  expect(verdicts.submissions.map((s: { name: string; started: boolean; rules: { id: string; verdict: string }[] }) => [s.name, s.started, s.rules.filter((r) => r.verdict !== 'pass').map((r) => r.id)])).toEqual([
    ['alice', true, []],
    // Without haves our neighbours in the by-rate scenario never see pieces to want: its choke rules are not shown.
    ['bob', true, ['choke.optimistic-every-m', 'choke.by-rate-when-leeching', 'have.after-each-piece', 'have.to-every-neighbour']],
    ['carol', false, []],
  ]);
  expect(verdicts.submissions[0].rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
  expect(verdicts.skipped).toEqual(['dave']);

  const page = fs.readFileSync(html, 'utf8');
  for (const rule of RULES) expect(page).toContain(rule.id);
  expect(page).toContain('cannot read Common.cfg');
  expect(page).not.toMatch(/<script|(src|href)="?http/i);
});

test('a --batch DIR whose subfolders hold no run file, or no such DIR: exit 2, naming DIR', async () => {
  fs.mkdirSync(path.join(dir, 'empty', 'eve'), { recursive: true });
  const empty = await runNodeScript(SWARMLAB, ['conform', '--batch', 'empty'], { cwd: dir, killAfterMs: RUN_BOUND_MS });
  expect({ code: empty.code, stderr: empty.stderr }).toEqual({ code: 2, stderr: expect.stringContaining('conform: --batch empty: no subfolder holds a run file') });
  const missing = await runNodeScript(SWARMLAB, ['conform', '--batch', 'no-such-dir'], { cwd: dir, killAfterMs: RUN_BOUND_MS });
  expect({ code: missing.code, stderr: missing.stderr }).toEqual({ code: 2, stderr: 'conform: --batch no-such-dir: no such folder\n' });
});
