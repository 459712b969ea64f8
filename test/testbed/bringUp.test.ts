import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bringUp, type BringUpOptions } from '../../src/testbed/bringUp.js';
import type { MachineFacts } from '../../src/testbed/preflight.js';
import { SystemCommandError, type System } from '../../src/testbed/system.js';
import { tearDown } from '../../src/testbed/tearDown.js';
import { TestbedError } from '../../src/testbed/TestbedError.js';

/**
 * A machine played in memory: it keeps the namespaces `ip netns` adds and
 * deletes, answers the route list, and refuses the commands `refuse` names
 * (with the reason a tool would print), so every step of `up` can be made to fail.
 */
class FakeMachine implements System {
  readonly calls: string[] = [];
  readonly namespaces = new Set<string>();
  routes = [{ dst: 'default' }, { dst: '192.0.2.0/24' }];
  missing = new Set<string>();
  refuse: (command: string) => string | undefined = () => undefined;

  async run(file: string, args: readonly string[]): Promise<string> {
    const command = [file, ...args].join(' ');
    this.calls.push(command);
    if (this.missing.has(file)) throw new SystemCommandError(command, 'not found', 'ENOENT');
    const refusal = this.refuse(command);
    if (refusal !== undefined) throw new SystemCommandError(command, refusal);
    if (command === 'ip -4 -j route show table all') return JSON.stringify(this.routes);
    if (command === 'ip -j netns list') return this.namespaces.size === 0 ? '' : JSON.stringify([...this.namespaces].map((name) => ({ name })));
    if (args[0] === 'netns' && args[1] === 'add') this.namespaces.add(args[2]);
    if (args[0] === 'netns' && args[1] === 'delete') this.namespaces.delete(args[2]);
    return '';
  }
}

const ROOT: MachineFacts = { isRoot: true, hasSshd: true };
let scratch: string;
let options: BringUpOptions;

beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'testbed-unit-'));
  options = { hosts: 2, tag: 'unit', subnet: '10.213.0.0/24', peerPort: 6008, rates: ['h2=5mbit'], stateDir: path.join(scratch, 'bed') };
});
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

async function failure(machine: FakeMachine, facts: MachineFacts = ROOT): Promise<TestbedError> {
  const error = await bringUp(options, { system: machine, facts }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(TestbedError);
  return error as TestbedError;
}

describe('up checks the machine before it makes anything', () => {
  test.each([
    ['not root', { isRoot: false, hasSshd: true }, () => {}, 'unavailable', 'a testbed needs root (it makes network namespaces): run it as root, or with sudo'],
    ['no ip', ROOT, (m: FakeMachine) => m.missing.add('ip'), 'unavailable', "ip is missing: install Debian's iproute2"],
    ['no tc, with a rate', ROOT, (m: FakeMachine) => m.missing.add('tc'), 'unavailable', "tc is missing: install Debian's iproute2"],
    ['no sshd', { isRoot: true, hasSshd: false }, () => {}, 'unavailable', "/usr/sbin/sshd is missing: install Debian's openssh-server (apt-get install -y openssh-server)"],
    ['a subnet routed here', ROOT, (m: FakeMachine) => m.routes.push({ dst: '10.0.0.0/8' }), 'usage', '--subnet 10.213.0.0/24 overlaps 10.0.0.0/8, which this machine already routes: choose another --subnet'],
    ['the tag in use', ROOT, (m: FakeMachine) => m.namespaces.add('swl-unit-h2'), 'unavailable', 'namespace swl-unit-h2 already exists: is testbed unit up? (swarmlab testbed down --tag unit, or choose another --tag)'],
  ])('%s', async (_, facts, arrange, kind, message) => {
    const machine = new FakeMachine();
    arrange(machine);
    const error = await failure(machine, facts);
    expect([error.failure, error.message]).toEqual([kind, message]);
    expect(machine.calls.filter((call) => call.startsWith('ip netns add'))).toEqual([]);
    expect(fs.existsSync(options.stateDir!)).toBe(false);
  });

  test('a state directory that exists already is refused, and left as it was', async () => {
    fs.mkdirSync(options.stateDir!);
    fs.writeFileSync(path.join(options.stateDir!, 'keep'), 'x');
    const error = await failure(new FakeMachine());
    expect(error.message).toBe(`${options.stateDir} exists: is testbed unit up? (swarmlab testbed down --tag unit, or choose another --tag or --state-dir)`);
    expect(fs.readdirSync(options.stateDir!)).toEqual(['keep']);
  });
});

describe('a step of up that fails', () => {
  test('is named with the reason the system gave, and everything made so far is removed', async () => {
    const machine = new FakeMachine();
    machine.refuse = (command) => (command.startsWith('tc -n swl-unit-h2 qdisc replace') ? 'Error: Specified qdisc kind is unknown.' : undefined);
    const error = await failure(machine);
    expect(error.failure).toBe('step');
    expect(error.message).toBe(
      "up failed at step 'limit h2 to 5mbit (a tbf qdisc)': tc -n swl-unit-h2 qdisc replace dev eth0 root tbf rate 5mbit burst 32768 latency 100ms: " +
        'Error: Specified qdisc kind is unknown.; what it had made is removed',
    );
    const deleted = machine.calls.filter((call) => call.startsWith('ip netns delete')).map((call) => call.split(' ')[3]);
    expect(deleted).toEqual(['swl-unit-h2', 'swl-unit-h1', 'swl-unit-controller', 'swl-unit-sw']);
    expect(machine.namespaces.size).toBe(0);
    expect(fs.existsSync(options.stateDir!)).toBe(false);
  });

  test('midway through making the namespaces, removes only those it made', async () => {
    const machine = new FakeMachine();
    machine.refuse = (command) => (command === 'ip netns add swl-unit-h1' ? 'Cannot create namespace file: No space left on device' : undefined);
    const error = await failure(machine);
    expect(error.message).toBe(
      "up failed at step 'make namespace swl-unit-h1': ip netns add swl-unit-h1: Cannot create namespace file: No space left on device; what it had made is removed",
    );
    expect(machine.calls.filter((call) => call.startsWith('ip netns delete'))).toEqual(['ip netns delete swl-unit-controller', 'ip netns delete swl-unit-sw']);
  });

  test('says so when removing what it made fails too, and keeps the state for another down', async () => {
    const machine = new FakeMachine();
    machine.refuse = (command) =>
      command.startsWith('ip -n swl-unit-sw link add') ? 'RTNETLINK answers: Operation not supported' : command === 'ip netns delete swl-unit-h1' ? 'Device or resource busy' : undefined;
    const error = await failure(machine);
    expect(error.message).toMatch(/^up failed at step 'make the switch': .*Operation not supported; removing what it had made failed too: down could not finish: ip netns delete swl-unit-h1: Device or resource busy/);
    expect(fs.existsSync(path.join(options.stateDir!, 'testbed.json'))).toBe(true);
    machine.refuse = () => undefined;
    expect(await tearDown(options.stateDir!, machine)).toEqual({ found: true, stoppedSshds: 0, deletedNamespaces: ['swl-unit-h1'] });
  });
});

describe('an up interrupted midway (Ctrl-C)', () => {
  test('stops before its next step, says which, and removes what it had made', async () => {
    const machine = new FakeMachine();
    const interrupted = new AbortController();
    machine.refuse = (command) => {
      if (command === 'ip -n swl-unit-sw link set br0 up') interrupted.abort();
      return undefined;
    };
    options.signal = interrupted.signal;
    const error = await failure(machine);
    expect([error.failure, error.message]).toEqual(['interrupted', "up was interrupted before step 'plug controller (10.213.0.2) into the switch'; what it had made is removed"]);
    expect(machine.calls.filter((call) => call.includes('controller') && !call.startsWith('ip netns'))).toEqual([]);
    expect(machine.namespaces.size).toBe(0);
    expect(fs.existsSync(options.stateDir!)).toBe(false);
  });
});

describe('down', () => {
  test('with no testbed in the state directory does nothing, and says so', async () => {
    const machine = new FakeMachine();
    expect(await tearDown(options.stateDir!, machine)).toEqual({ found: false, stoppedSshds: 0, deletedNamespaces: [] });
    expect(machine.calls).toEqual([]);
  });
});
