import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Config } from '../../../src/config/Config.js';
import { loadConfig } from '../../../src/config/Config.js';
import { RemoteSwarm } from '../../../src/launcher/remote/RemoteSwarm.js';
import { RemoteError } from '../../../src/launcher/remote/remoteFiles.js';
import { FakeSshClient, type RanScript } from './fakeSsh.js';
import type { SshResult } from '../../../src/launcher/remote/ssh.js';

describe('RemoteSwarm: the remote peers\' directories, files, logs and copies', () => {
  let root: string;
  let config: Config;
  const peersDir = () => path.join(root, 'peers');
  const swarm = (client: FakeSshClient, push: boolean, dirTemplate = '/srv/swarm dir/{host}') =>
    new RemoteSwarm({ config, client, push, liveLog: false, plan: { mode: 'auto', dirTemplate, commandTemplate: 'java peerProcess {id}' }, thisMachine: (host) => host === 'here' });

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-remote-swarm-'));
    fs.writeFileSync(path.join(root, 'Common.cfg'), 'NumberOfPreferredNeighbors 1\nUnchokingInterval 1\nOptimisticUnchokingInterval 2\nFileName f.dat\nFileSize 10\nPieceSize 4\n');
    fs.writeFileSync(path.join(root, 'PeerInfo.cfg'), '1001 lab1 6001 1\n1002 lab2 6002 0\n1003 lab2 6003 0\n1004 here 6004 0\n');
    fs.mkdirSync(path.join(peersDir(), 'peer_1001'), { recursive: true });
    fs.writeFileSync(path.join(peersDir(), 'peer_1001', 'f.dat'), '0123456789');
    config = loadConfig(root);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('the peers on other hosts go over ssh', () => {
    expect(swarm(new FakeSshClient(), false).peers.map((p) => p.peerId)).toEqual([1001, 1002, 1003]);
  });

  test('prepare without --push: one session per peer makes its directory and clears a leecher\'s last copy', async () => {
    const client = new FakeSshClient();
    expect(await swarm(client, false).prepare(peersDir(), true)).toEqual([]);
    expect(client.ran.map((r) => `${r.host}: ${r.script}`)).toEqual([
      "lab1: mkdir -p '/srv/swarm dir/lab1/peer_1001'",
      "lab2: mkdir -p '/srv/swarm dir/lab2/peer_1002' && rm -f '/srv/swarm dir/lab2/peer_1002/f.dat' '/srv/swarm dir/lab2/peer_1002/f.dat.resume'",
      "lab2: mkdir -p '/srv/swarm dir/lab2/peer_1003' && rm -f '/srv/swarm dir/lab2/peer_1003/f.dat' '/srv/swarm dir/lab2/peer_1003/f.dat.resume'",
    ]);
  });

  test('--resume keeps the leechers\' copies', async () => {
    const client = new FakeSshClient();
    await swarm(client, false).prepare(peersDir(), false);
    expect(client.ran.every((r) => !r.script.includes('rm -f'))).toBe(true);
  });

  test('--push: the configs once per remote directory, in the same session; the seeder\'s file through stdin', async () => {
    const client = new FakeSshClient();
    expect(await swarm(client, true).prepare(peersDir(), true)).toEqual([
      "pushed the configs to lab1:/srv/swarm dir/lab1",
      "pushed peer 1001's f.dat to lab1:/srv/swarm dir/lab1/peer_1001/f.dat",
      "pushed the configs to lab2:/srv/swarm dir/lab2",
    ]);
    const scripts = client.ran.map((r) => r.script);
    expect(scripts.filter((s) => s.includes('Common.cfg'))).toHaveLength(2);
    const common = fs.readFileSync(path.join(root, 'Common.cfg'));
    expect(scripts[0]).toContain(`printf '%s' ${common.toString('base64')} | base64 -d > '/srv/swarm dir/lab1/Common.cfg'`);
    expect(client.ran[1]).toEqual({ host: 'lab1', script: "mkdir -p '/srv/swarm dir/lab1/peer_1001' && cat > '/srv/swarm dir/lab1/peer_1001/f.dat'", input: '0123456789' });
  });

  test('a host that refuses our key stops the preparation with a clear RemoteError', async () => {
    const client = new FakeSshClient(() => ({ code: 255, stderr: 'me@lab1: Permission denied (publickey).\n' }));
    await expect(swarm(client, false).prepare(peersDir(), true)).rejects.toEqual(new RemoteError(
      'lab1 refuses our key (me@lab1: Permission denied (publickey).): add your public key to ~/.ssh/authorized_keys there (ssh-copy-id lab1), or load it into ssh-agent',
    ));
  });

  test('collect: each remote log, and the debug log when there is one, into the log directory', async () => {
    const answers: Record<string, Partial<SshResult>> = {
      lab1: { stdout: Buffer.from('6\nlog 1\ndebug 1\n') },
      lab2: { stdout: Buffer.from('6\nlog 2\n') },
    };
    let calls = 0;
    const client = new FakeSshClient((ran: RanScript) => (++calls === 3 ? { code: 1, stderr: 'wc: log_peer_1003.log: No such file or directory\n' } : answers[ran.host]));
    const logDir = path.join(root, 'logs');
    expect(await swarm(client, false).collect(logDir)).toEqual({
      collected: 2,
      problems: [
        "peer 1003's log lab2:/srv/swarm dir/lab2/log_peer_1003.log was not collected: on lab2, 'wc -c < '/srv/swarm dir/lab2/log_peer_1003.log' && cat '/srv/swarm dir/lab2/log_peer_1003.log' && { cat '/srv/swarm dir/lab2/log_peer_1003.debug.log' 2>/dev/null; true; }' failed (exit 1): wc: log_peer_1003.log: No such file or directory",
      ],
    });
    expect(fs.readFileSync(path.join(logDir, 'log_peer_1001.log'), 'utf8')).toBe('log 1\n');
    expect(fs.readFileSync(path.join(logDir, 'log_peer_1001.debug.log'), 'utf8')).toBe('debug 1\n');
    expect(fs.readFileSync(path.join(logDir, 'log_peer_1002.log'), 'utf8')).toBe('log 2\n');
    expect(fs.existsSync(path.join(logDir, 'log_peer_1002.debug.log'))).toBe(false);
  });

  test('collect stops between peers once told to (a Ctrl-C), and says how many were left out', async () => {
    let stop = false;
    const client = new FakeSshClient(() => {
      stop = true; // the Ctrl-C comes while the first peer's logs travel
      return { stdout: Buffer.from('6\nlog 1\n') };
    });
    const logDir = path.join(root, 'logs');
    expect(await swarm(client, false).collect(logDir, () => stop)).toEqual({ collected: 1, problems: ['interrupted: the logs of 2 remote peers were not collected'] });
    expect(client.ran).toHaveLength(1);
    expect(fs.readFileSync(path.join(logDir, 'log_peer_1001.log'), 'utf8')).toBe('log 1\n');
  });

  test('a remote copy is hashed there, once; a local one is left as it is', async () => {
    const digest = 'a'.repeat(40);
    const client = new FakeSshClient(() => ({ stdout: Buffer.from(`${digest}  /srv/swarm dir/lab1/peer_1001/f.dat\n`) }));
    const remote = swarm(client, false);
    const local = { file: 'here', sha1: async () => 'local' };
    const [seeder, , , here] = config.peers;
    const copy = remote.copyOf(seeder, local);
    expect(copy.file).toBe('lab1:/srv/swarm dir/lab1/peer_1001/f.dat');
    expect([await copy.sha1(), await copy.sha1()]).toEqual([digest, digest]);
    expect(client.ran.map((r) => r.script)).toEqual(["sha1sum '/srv/swarm dir/lab1/peer_1001/f.dat'"]);
    expect(remote.copyOf(here, local)).toBe(local);
  });

  test('a command of the user\'s own gets no launcher arguments; a peer here is not started over ssh', () => {
    const client = new FakeSshClient();
    const remote = swarm(client, false);
    expect(remote.startPeer(config.peers[3], ['--log-level', 'info'], false)).toBeUndefined();
    remote.startPeer(config.peers[1], ['--log-level', 'info'], false);
    expect(client.sessions[0].script).toContain('; java peerProcess 1002 & pid=$!;');
  });
});
