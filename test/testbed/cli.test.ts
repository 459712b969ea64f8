import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runNodeScript } from '../support/runProcess.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const SWARMLAB = path.join(ROOT, 'dist', 'cli', 'swarmlab.js');
let scratch: string;

beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'testbed-cli-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const swarmlab = (...args: string[]) => runNodeScript(SWARMLAB, args, { cwd: scratch, killAfterMs: 10_000 });
const nowhere = () => path.join(scratch, 'no-testbed');

describe('swarmlab testbed on the command line', () => {
  test('is listed, and --help names its actions and exit codes', async () => {
    expect((await swarmlab('--help')).stdout).toContain('swarmlab testbed');
    const help = await swarmlab('testbed', '--help');
    expect(help.code).toBe(0);
    for (const action of ['testbed up <hosts>', 'testbed exec', 'testbed down']) expect(help.stdout).toContain(action);
    expect(help.stdout).toMatch(/Exit codes: 0 done, 2 usage .*11 not root/s);
  });

  test.each([
    [['up', '0'], "swarmlab testbed: the number of hosts must be a whole number from 1 to 200, got '0'"],
    [['up', 'four'], "swarmlab: the number of hosts must be a whole number from 1 to 200, got 'four'"],
    [['up', '2', '--subnet', '8.8.8.0/24'], "swarmlab testbed: --subnet must be private (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16), got '8.8.8.0/24'"],
    [['up', '2', '--rate', 'fast'], "swarmlab testbed: --rate takes a tc rate in bits per second such as 20mbit (or h2=5mbit for one host), got 'fast'"],
    [['exec', '--tag', 'cli'], 'swarmlab: name the command to run after --'],
  ])('testbed %j is a usage error (exit 2), without a stack trace', async (args, message) => {
    const { code, stderr } = await swarmlab('testbed', ...args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test('down with nothing up says so and succeeds; exec with nothing up fails with exit 11', async () => {
    const down = await swarmlab('testbed', 'down', '--tag', 'cli', '--state-dir', nowhere());
    expect([down.code, down.stdout.trim()]).toEqual([0, `no testbed in ${nowhere()}: nothing to tear down`]);
    const exec = await swarmlab('testbed', 'exec', '--tag', 'cli', '--state-dir', nowhere(), '--', 'true');
    expect([exec.code, exec.stderr.trim()]).toEqual([11, `swarmlab testbed: no testbed in ${nowhere()}: bring one up first (swarmlab testbed up N --tag cli)`]);
  });

  test('up by a user who is not root fails with exit 11 and says why', async () => {
    // nobody (65534): this test runs as root, like CI; the child drops to an unprivileged user.
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [SWARMLAB, 'testbed', 'up', '2', '--tag', 'cli', '--state-dir', nowhere()], { uid: 65534, gid: 65534, cwd: '/' }, (_, __, stderr) =>
        resolve({ code: child.exitCode, stderr }),
      );
    });
    expect([code, stderr.trim()]).toEqual([11, 'swarmlab testbed: a testbed needs root (it makes network namespaces): run it as root, or with sudo']);
  });

  test("the set-up script installs Debian's openssh-server (the testbed's sshd) when it is missing", () => {
    expect(fs.readFileSync(path.join(ROOT, 'test', 'setup', 'debian-packages.sh'), 'utf8')).toContain('[ -x /usr/sbin/sshd ] || missing+=(openssh-server)');
  });
});
