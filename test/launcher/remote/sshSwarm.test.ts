import * as fs from 'fs';
import * as path from 'path';
import { runNodeScript, type ProcessResult } from '../../support/runProcess.js';
import { freePort } from '../../support/sockets.js';
import { startTestSshd, type TestSshd } from '../../support/sshd.js';
import { makeSwarmDir, type SwarmSetup } from '../../support/swarmDir.js';

const SWARMLAB = path.join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'swarmlab.js');

/** The pids of the processes whose working directory is under `dir`: remote peers left running there. */
function processesIn(dir: string): number[] {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).filter((pid) => {
    try {
      return fs.readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
    } catch {
      return false; // gone, or not ours to read
    }
  }).map(Number);
}

/**
 * `swarmlab swarm` over a real OpenSSH server on 127.0.0.1: every peer goes
 * over ssh (--ssh always), each in its own remote directory.
 */
describe('swarm over ssh, against a real sshd on 127.0.0.1', () => {
  let sshd: TestSshd;
  let setup: SwarmSetup | undefined;
  const remoteDir = () => path.join(setup!.root, 'remote', '{id}');
  const swarm = (args: string[], interruptWhen?: RegExp): Promise<ProcessResult> =>
    runNodeScript(SWARMLAB, ['swarm', '--make-file', '--ssh', 'always', '--remote-dir', remoteDir(), ...args], { cwd: setup!.root, killAfterMs: 170_000, interruptWhen });

  beforeAll(async () => {
    if (!fs.existsSync(SWARMLAB)) throw new Error(`${SWARMLAB} is missing: run npm run build (npm test does it first)`);
    sshd = await startTestSshd();
  });
  afterAll(() => sshd.stop());
  afterEach(() => setup?.remove());

  test('three peers pushed, run, collected and checked: a verified finish, and the collected logs pass check-logs', async () => {
    setup = await makeSwarmDir({ peers: 3, fileSize: 60_000, pieceSize: 4096 });
    const result = await swarm(['--ssh-config', sshd.configFile, '--push', '--collect', '--timeout', '150']);
    expect({ code: result.code, output: result.output }).toEqual({ code: 0, output: expect.stringContaining("all 3 copies are byte-identical to the seeder's (SHA-1)") });
    expect(result.output).toContain(`pushed peer 1001's shared.dat to 127.0.0.1:${path.join(setup.root, 'remote', '1001', 'peer_1001', 'shared.dat')}`);
    expect(result.output).toContain('collected the logs of 3 remote peers');
    const seed = fs.readFileSync(path.join(setup.root, 'peers', 'peer_1001', 'shared.dat'));
    for (const id of setup.peerIds) {
      expect(fs.readFileSync(path.join(setup.root, 'remote', String(id), `peer_${id}`, 'shared.dat')).equals(seed)).toBe(true);
      expect(fs.existsSync(path.join(setup.root, 'logs', `log_peer_${id}.log`))).toBe(true);
    }
    const checked = await runNodeScript(SWARMLAB, ['check-logs', 'logs'], { cwd: setup.root, killAfterMs: 20_000 });
    expect({ code: checked.code, output: checked.output }).toEqual({ code: 0, output: expect.stringContaining('3 logs checked with Common.cfg and PeerInfo.cfg: no violations') });
  }, 180_000);

  test('a host that refuses our key: a clear error and exit code 10, before any peer starts', async () => {
    setup = await makeSwarmDir({ peers: 2, fileSize: 10_000, pieceSize: 4096 });
    const result = await swarm(['--ssh-config', sshd.refusedConfigFile, '--push']);
    expect(result.code).toBe(10);
    expect(result.stderr).toMatch(/^swarm: 127\.0\.0\.1 refuses our key \(.*Permission denied \(publickey\)\.\): add your public key to ~\/\.ssh\/authorized_keys there/m);
    expect(result.output).not.toContain('starting 2 peers');
  }, 60_000);

  test('without --push, a remote seeder\'s file is its own host\'s: not looked for here (the host is asked next)', async () => {
    setup = await makeSwarmDir({ peers: 2, fileSize: 10_000, pieceSize: 4096 });
    const args = ['swarm', '--ssh', 'always', '--remote-dir', remoteDir(), '--ssh-config', sshd.refusedConfigFile];
    const result = await runNodeScript(SWARMLAB, args, { cwd: setup.root, killAfterMs: 60_000 });
    expect(result.output).not.toContain('missing: put the file there');
    expect(result.code).toBe(10);
  }, 60_000);

  test('a host that does not answer (nothing listens on its ssh port): a clear error and exit code 10', async () => {
    setup = await makeSwarmDir({ peers: 2, fileSize: 10_000, pieceSize: 4096 });
    const closed = path.join(setup.root, 'ssh_config_closed');
    fs.writeFileSync(closed, fs.readFileSync(sshd.configFile, 'utf8').replace(/Port \d+/, `Port ${await freePort()}`));
    const result = await swarm(['--ssh-config', closed]);
    expect(result.code).toBe(10);
    expect(result.stderr).toMatch(/^swarm: 127\.0\.0\.1 does not answer \(ssh: connect to host 127\.0\.0\.1 port \d+: Connection refused\): is the name right/m);
  }, 60_000);

  test('node missing there: the run fails (exit 7) saying which command was not found', async () => {
    setup = await makeSwarmDir({ peers: 2, fileSize: 10_000, pieceSize: 4096 });
    const result = await swarm(['--ssh-config', sshd.configFile, '--remote-command', '/nonexistent/node peerProcess.js {id}']);
    expect(result.code).toBe(7);
    expect(result.stderr).toContain('peer 1001 exited with 127: remote peer 1001: a command was not found on 127.0.0.1 (sh: 1: /nonexistent/node: not found): is node installed there');
  }, 60_000);

  test('Ctrl-C stops every remote peer: none is left running in the remote directories', async () => {
    setup = await makeSwarmDir({ peers: 3, fileSize: 2_000_000, pieceSize: 16_384 });
    // A slow seeder: the run is interrupted while the leechers download.
    const result = await swarm(['--ssh-config', sshd.configFile, '--push', '--limit', '1001:up=100KiB/s'], /\| 1002 [1-9]\d*\/\d+ pieces/);
    expect(result.code).toBe(130);
    expect(processesIn(path.join(setup.root, 'remote'))).toEqual([]);
    // Stopped, not left to finish: no leecher got the whole file.
    for (const id of [1002, 1003]) {
      const log = path.join(setup.root, 'remote', String(id), `log_peer_${id}.log`);
      expect(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '').not.toContain('has downloaded the complete file');
    }
  }, 180_000);
});
