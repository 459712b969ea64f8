import { spawn } from 'child_process';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they came. */
  output: string;
}

export interface RunOptions {
  cwd: string;
  killAfterMs: number;
  /** With an IPC channel, as `swarmlab swarm` starts a peer. */
  ipc?: boolean;
  /** A Ctrl-C (SIGINT) once the output so far matches. */
  interruptWhen?: RegExp;
  /** The environment, instead of this process's. */
  env?: NodeJS.ProcessEnv;
}

/** Runs a Node script to its end (see runProcess). */
export function runNodeScript(script: string, args: string[], options: RunOptions): Promise<ProcessResult> {
  return runProcess(process.execPath, [script, ...args], options);
}

/**
 * Runs a program to its end. Past `killAfterMs` (the test's own bound, not a
 * protocol timing) it sends SIGTERM to exactly that process, by pid.
 */
export function runProcess(command: string, args: string[], options: RunOptions): Promise<ProcessResult> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe', options.ipc ? 'ipc' : 'ignore'] });
  const result: ProcessResult = { code: null, stdout: '', stderr: '', output: '' };
  let interrupted = false;
  const interruptIfDue = () => {
    if (interrupted || !options.interruptWhen?.test(result.output)) return;
    interrupted = true;
    child.kill('SIGINT');
  };
  child.stdout!.on('data', (d) => ((result.stdout += d), (result.output += d), interruptIfDue()));
  child.stderr!.on('data', (d) => ((result.stderr += d), (result.output += d), interruptIfDue()));
  const guard = setTimeout(() => child.kill('SIGTERM'), options.killAfterMs);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ ...result, code });
    }),
  );
}
