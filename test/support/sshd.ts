import { execFileSync, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort } from './sockets.js';

const SSHD = '/usr/sbin/sshd';

export interface TestSshd {
  dir: string;
  port: number;
  /** An ssh config (for -F) that maps 127.0.0.1 to this server with an authorised key. */
  configFile: string;
  /** The same, with a key the server does not know: it refuses it. */
  refusedConfigFile: string;
  /** Stops exactly this sshd, by pid, and removes its directory. */
  stop(): Promise<void>;
}

/**
 * An OpenSSH server on 127.0.0.1 and a free port, for this test only: its own
 * host key, one authorised client key, no PAM, key logins only; everything in
 * a temp directory.
 */
export async function startTestSshd(): Promise<TestSshd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-sshd-'));
  const file = (name: string) => path.join(dir, name);
  for (const key of ['host_key', 'client_key', 'stranger_key']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file(key)]);
  fs.copyFileSync(file('client_key.pub'), file('authorized_keys'));
  fs.mkdirSync('/run/sshd', { recursive: true });
  const port = await freePort();
  fs.writeFileSync(
    file('sshd_config'),
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${file('host_key')}`,
      `AuthorizedKeysFile ${file('authorized_keys')}`,
      `PidFile ${file('sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  const hostKey = fs.readFileSync(file('host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  fs.writeFileSync(file('known_hosts'), `[127.0.0.1]:${port} ${hostKey}\n`);
  const clientConfig = (key: string) =>
    [
      'Host 127.0.0.1',
      `  Port ${port}`,
      `  IdentityFile ${file(key)}`,
      '  IdentitiesOnly yes',
      '  IdentityAgent none',
      `  UserKnownHostsFile ${file('known_hosts')}`,
      '  StrictHostKeyChecking yes',
      '',
    ].join('\n');
  fs.writeFileSync(file('ssh_config'), clientConfig('client_key'));
  fs.writeFileSync(file('ssh_config_refused'), clientConfig('stranger_key'));
  const sshd = spawn(SSHD, ['-D', '-e', '-f', file('sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  await listening(sshd);
  return {
    dir,
    port,
    configFile: file('ssh_config'),
    refusedConfigFile: file('ssh_config_refused'),
    stop: async () => {
      const exited = new Promise((resolve) => sshd.once('exit', resolve));
      if (sshd.exitCode === null && sshd.signalCode === null) {
        sshd.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** sshd -e says "Server listening on 127.0.0.1 port N." once it accepts connections. */
function listening(sshd: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    sshd.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      said += chunk;
      if (said.includes('Server listening')) resolve();
    });
    sshd.once('exit', (code) => reject(new Error(`sshd exited with ${code} before listening: ${said}`)));
  });
}
