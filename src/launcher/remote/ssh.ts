import { spawn } from 'child_process';
import type { Readable } from 'stream';
import { shellQuote } from './shellQuote.js';

/** How we call OpenSSH's `ssh`: the user's keys and agent, never a password prompt. */
export interface SshSettings {
  /** Handed to ssh as `-F` (the testbed writes one). */
  configFile?: string;
}

/** A remote command running over its own ssh session. */
export interface SshSession {
  /** The local ssh process. */
  readonly pid?: number;
  readonly stdout: Readable;
  readonly stderr: Readable;
  once(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  /** ssh could not be started (not installed). */
  once(event: 'error', listener: (error: Error) => void): unknown;
  /** Closes the session from this end (the local ssh process). */
  kill(signal?: NodeJS.Signals): boolean;
}

export interface SshResult {
  /** ssh's exit code: the remote command's, or 255 when ssh itself failed. */
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs commands on other machines; the tests inject a fake. */
export interface SshClient {
  /** Starts a shell script on the host; its output comes as it is printed. */
  start(host: string, script: string): SshSession;
  /** Runs a shell script on the host to its end, with `input` (a file, say) on its stdin. */
  run(host: string, script: string, input?: Readable): Promise<SshResult>;
}

/** Connection attempts give up after this many seconds (a host that does not answer). */
export const CONNECT_TIMEOUT_SECONDS = 5;

/**
 * ssh's arguments for running `script` under `sh` on the host: no terminal
 * (-T), no prompts (BatchMode), a short connect timeout. The login shell may
 * be csh, so the script goes to `sh -c` as one quoted word.
 */
export function sshArguments(settings: SshSettings, host: string, script: string): string[] {
  return [
    '-T',
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${CONNECT_TIMEOUT_SECONDS}`,
    ...(settings.configFile ? ['-F', settings.configFile] : []),
    '--', host,
    `sh -c ${shellQuote(script)}`,
  ];
}

/** The SshClient of a real run: OpenSSH's `ssh` on the PATH. */
export function openSshClient(settings: SshSettings): SshClient {
  const start = (host: string, script: string, withInput: boolean) =>
    spawn('ssh', sshArguments(settings, host, script), { stdio: [withInput ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  return {
    // Its stdin stays open, unused, while the session runs: the remote peer's watcher reads it (see peerScript).
    start: (host, script) => start(host, script, true) as SshSession,
    run: (host, script, input) =>
      new Promise((resolve) => {
        const child = start(host, script, input !== undefined);
        const stdout: Buffer[] = [];
        let stderr = '';
        child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
        child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        // A session that fails before reading its input closes stdin under us: the exit code tells why.
        child.stdin?.on('error', () => {});
        if (input && child.stdin) input.pipe(child.stdin);
        child.on('error', (error) => resolve({ code: 255, stdout: Buffer.alloc(0), stderr: `ssh: ${error.message}` }));
        child.once('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }));
      }),
  };
}
