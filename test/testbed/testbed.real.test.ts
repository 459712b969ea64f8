/**
 * A real testbed: two hosts in network namespaces this test makes (under its
 * own tag), each with its sshd, reached with ssh from the controller's
 * namespace; no address outside those namespaces is used. Needs root (this
 * machine and CI run as root); it is never skipped.
 */
import { execFile, spawn } from 'child_process';
import { once } from 'events';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { bringUp } from '../../src/testbed/bringUp.js';
import type { TestbedState } from '../../src/testbed/state.js';
import { tearDown } from '../../src/testbed/tearDown.js';
import { runNodeScript } from '../support/runProcess.js';

const run = promisify(execFile);
const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');
const TAG = `t${process.pid}`;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'testbed-real-'));
const stateDir = path.join(scratch, 'bed');
let state: TestbedState;

const inController = (...command: string[]) => run('ip', ['netns', 'exec', state.controller.namespace, ...command]);
const ourNamespaces = async () => (await run('ip', ['netns', 'list'])).stdout.split('\n').filter((line) => line.startsWith(`swl-${TAG}-`));
/** Processes whose command line names the state directory: the testbed's sshds, while they run. */
const processesNaming = (dir: string) =>
  fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry) && readOrEmpty(`/proc/${entry}/cmdline`).includes(dir));

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

beforeAll(async () => {
  state = await bringUp({ hosts: 2, tag: TAG, subnet: '10.213.0.0/24', peerPort: 6008, rates: ['h2=5mbit'], stateDir });
}, 15_000);

afterAll(async () => {
  await tearDown(stateDir);
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('a real testbed of two hosts', () => {
  test('the state names its machines, files and sshds', () => {
    expect(state.hosts.map((host) => [host.name, host.namespace, host.address])).toEqual([
      ['h1', `swl-${TAG}-h1`, '10.213.0.11'],
      ['h2', `swl-${TAG}-h2`, '10.213.0.12'],
    ]);
    expect(JSON.parse(fs.readFileSync(state.files.state, 'utf8'))).toEqual(state);
    expect(state.made.sshds.map((sshd) => sshd.host)).toEqual(['h1', 'h2']);
    for (const file of [state.files.sshConfig, state.files.knownHosts, state.files.peerInfo, state.files.userKey]) expect(fs.existsSync(file)).toBe(true);
  });

  test('from the controller, ssh reaches each host (by address, or by name) with strict host keys, and runs inside its namespace', async () => {
    const [h1, h2] = state.hosts;
    for (const [host, target] of [[h1, h1.address], [h2, h2.name]] as const) {
      const { stdout } = await inController('ssh', '-F', state.files.sshConfig, target, 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0');
      expect(stdout).toContain(`inet ${host.address}/24`);
    }
  }, 15_000);

  test("the rate-limited host's link has its token bucket, the other none", async () => {
    const qdisc = async (namespace: string) => (await run('tc', ['-n', namespace, 'qdisc', 'show', 'dev', 'eth0'])).stdout;
    expect(await qdisc(state.hosts[1].namespace)).toMatch(/^qdisc tbf \S+ root .*rate 5Mbit/);
    expect(await qdisc(state.hosts[0].namespace)).not.toContain('tbf');
  });

  test('testbed exec runs its command in the controller namespace and exits with its code', async () => {
    const shown = await runNodeScript(SWARMLAB, ['testbed', 'exec', '--tag', TAG, '--state-dir', stateDir, '--', 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'], { cwd: scratch, killAfterMs: 10_000 });
    expect([shown.code, shown.stdout]).toEqual([0, expect.stringContaining(`inet ${state.controller.address}/24`)]);
    const failed = await runNodeScript(SWARMLAB, ['testbed', 'exec', '--tag', TAG, '--state-dir', stateDir, '--', 'sh', '-c', 'exit 3'], { cwd: scratch, killAfterMs: 10_000 });
    expect(failed.code).toBe(3);
  });

  test('testbed exec passes a SIGTERM on to its command and exits as the command did (128 + 15)', async () => {
    const exec = spawn(process.execPath, [SWARMLAB, 'testbed', 'exec', '--tag', TAG, '--state-dir', stateDir, '--', 'sh', '-c', 'echo started; exec sleep 30'], { stdio: ['ignore', 'pipe', 'inherit'] });
    exec.stdout.once('data', () => exec.kill('SIGTERM'));
    const [code] = (await once(exec, 'close')) as [number | null];
    expect(code).toBe(143);
  });

  test('down stops its sshds and deletes its namespaces and state; again, it finds nothing', async () => {
    expect(processesNaming(stateDir)).toHaveLength(2);
    expect(await tearDown(stateDir)).toEqual({ found: true, stoppedSshds: 2, deletedNamespaces: [`swl-${TAG}-h2`, `swl-${TAG}-h1`, `swl-${TAG}-controller`, `swl-${TAG}-sw`] });
    expect(await ourNamespaces()).toEqual([]);
    expect(processesNaming(stateDir)).toEqual([]);
    expect(fs.existsSync(stateDir)).toBe(false);
    expect((await tearDown(stateDir)).found).toBe(false);
  });
});
