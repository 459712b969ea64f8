import * as fs from 'fs';
import { setTimeout as sleep } from 'timers/promises';
import type { TestbedHost } from './plan.js';
import { hostFiles } from './state.js';
import { sshdConfigText } from './sshdConfig.js';
import type { System } from './system.js';

export const SSHD = '/usr/sbin/sshd';
/** sshd's privilege separation directory: it refuses to start without it (Debian makes it only when its own sshd runs). */
const PRIVILEGE_SEPARATION_DIR = '/run/sshd';
const START_TIMEOUT_MS = 5000;
const STOP_TIMEOUT_MS = 2000;
const POLL_MS = 20;

/** A new ed25519 key pair without a passphrase: `file` and `file.pub`. */
export async function generateKey(system: System, file: string, comment: string): Promise<void> {
  await system.run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
}

/** Writes the host's sshd_config and key, starts its sshd inside its namespace, and returns its pid once it listens. */
export async function startSshd(system: System, host: TestbedHost, stateDir: string, authorizedKey: string): Promise<number> {
  const files = hostFiles(stateDir, host.name);
  fs.mkdirSync(files.dir, { recursive: true });
  fs.mkdirSync(PRIVILEGE_SEPARATION_DIR, { recursive: true, mode: 0o755 });
  await generateKey(system, files.hostKey, `${host.name}@${host.namespace}`);
  fs.writeFileSync(files.sshdConfig, sshdConfigText(host, { hostKey: files.hostKey, pidFile: files.pidFile, authorizedKey }, process.env.PATH ?? '/usr/bin:/bin'));
  // sshd forks into the background and writes its pid file once it listens.
  await system.run('ip', ['netns', 'exec', host.namespace, SSHD, '-f', files.sshdConfig, '-E', files.log]);
  return waitForPid(files.pidFile);
}

async function waitForPid(pidFile: string): Promise<number> {
  for (let waited = 0; waited < START_TIMEOUT_MS; waited += POLL_MS) {
    const pid = Number.parseInt(readOrEmpty(pidFile), 10);
    if (pid > 0) return pid;
    await sleep(POLL_MS);
  }
  throw new Error(`sshd wrote no pid file (${pidFile}) within ${START_TIMEOUT_MS / 1000} s; see its log beside it`);
}

/**
 * Stops the sshd the testbed started for `host` as `pid`, and only it: a pid
 * whose command line does not name this host's sshd_config is some other
 * process now (the sshd is already gone), and is left alone. Says whether it was running.
 */
export async function stopSshd(pid: number, stateDir: string, host: string): Promise<boolean> {
  const ours = () => readOrEmpty(`/proc/${pid}/cmdline`).includes(hostFiles(stateDir, host).sshdConfig);
  if (!ours()) return false;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; waited < STOP_TIMEOUT_MS && ours(); waited += POLL_MS) await sleep(POLL_MS);
  if (ours()) process.kill(pid, 'SIGKILL');
  return true;
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
