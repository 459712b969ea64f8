/**
 * The course's set-up for real, on one machine (issue 12): four hosts of a
 * testbed this test makes (network namespaces, each with its sshd), a swarm
 * launched from the testbed's controller over ssh with the testbed's own
 * PeerInfo.cfg and ssh config, the files pushed, the logs collected and
 * checked, every copy checked on its host. No address outside the test's
 * namespaces is used; the peers are stopped by the launcher, the sshds by
 * tearDown. Needs root (this machine and CI run as root); never skipped.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { bringUp } from '../../src/testbed/bringUp.js';
import type { TestbedState } from '../../src/testbed/state.js';
import { tearDown } from '../../src/testbed/tearDown.js';
import { runProcess } from '../support/runProcess.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';

const run = promisify(execFile);
const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');
const TAG = `s${process.pid}`;
const HOSTS = 4;
let setup: SwarmSetup;
let state: TestbedState;

/** Processes whose working directory is under `dir`: remote peers left running there. */
function processesIn(dir: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
      } catch {
        return false; // gone, or not ours to read
      }
    })
    .map(Number);
}

beforeAll(async () => {
  setup = await makeSwarmDir({ peers: HOSTS, fileSize: 200_000, pieceSize: 8192 });
  // A subnet of its own: the two-host testbed test may run beside this one.
  state = await bringUp({ hosts: HOSTS, tag: TAG, subnet: '10.214.0.0/24', stateDir: path.join(setup.root, 'testbed'), rates: ['h1=20mbit'] });
  fs.copyFileSync(state.files.peerInfo, path.join(setup.root, 'PeerInfo.cfg'));
}, 30_000);

afterAll(async () => {
  await tearDown(path.join(setup.root, 'testbed'));
  setup.remove();
});

describe('a swarm over ssh on a testbed of four hosts', () => {
  test('launched from the controller: files pushed, every peer on its host, copies verified there, logs collected and passing check-logs', async () => {
    const remoteDir = path.join(setup.root, 'hosts', '{host}');
    const result = await runProcess(
      'ip',
      ['netns', 'exec', state.controller.namespace, process.execPath, SWARMLAB, 'swarm', '--make-file', '--ssh-config', state.files.sshConfig, '--remote-dir', remoteDir, '--push', '--collect', '--timeout', '150'],
      { cwd: setup.root, killAfterMs: 170_000 },
    );
    expect({ code: result.code, output: result.output }).toEqual({ code: 0, output: expect.stringContaining(`all ${HOSTS} copies are byte-identical to the seeder's (SHA-1)`) });
    expect(result.output).toContain(`collected the logs of ${HOSTS} remote peers`);

    const seed = fs.readFileSync(path.join(setup.root, 'peers', 'peer_1001', 'shared.dat'));
    state.hosts.forEach((host) => {
      const copy = path.join(setup.root, 'hosts', host.address, `peer_${host.peerId}`, 'shared.dat');
      expect(fs.readFileSync(copy).equals(seed)).toBe(true);
    });
    // Each peer dialled the earlier ones at their testbed addresses: every log names its neighbours, all on the bridge.
    const lastLog = fs.readFileSync(path.join(setup.root, 'logs', `log_peer_${state.hosts[HOSTS - 1].peerId}.log`), 'utf8');
    for (const earlier of state.hosts.slice(0, -1)) expect(lastLog).toContain(`makes a connection to Peer ${earlier.peerId}`);

    const checked = await runProcess(process.execPath, [SWARMLAB, 'check-logs', 'logs'], { cwd: setup.root, killAfterMs: 20_000 });
    expect({ code: checked.code, output: checked.output }).toEqual({ code: 0, output: expect.stringContaining(`${HOSTS} logs checked with Common.cfg and PeerInfo.cfg: no violations`) });
    expect(processesIn(path.join(setup.root, 'hosts'))).toEqual([]);
    // Each host answered from inside its own namespace: its address is there, and nowhere in ours.
    const { stdout } = await run('ip', ['-4', 'addr']);
    for (const host of state.hosts) expect(stdout).not.toContain(host.address);
  }, 180_000);
});
