import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { ProcessResult } from '../support/runProcess.js';
import type { PeerProcess } from '../support/peerProcesses.js';
import { withTimeout } from '../support/waiting.js';

export const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');
export const PEER_PROCESS = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'peerProcess.js');

/** Fails at once, with the fix, when the build is missing. */
export function requireBuild(): void {
  for (const script of [SWARMLAB, PEER_PROCESS]) {
    if (!fs.existsSync(script)) throw new Error(`${script} is missing: run npm run build (npm test does it first)`);
  }
}

/** How long a process gets to stop after SIGTERM before it is SIGKILLed. */
const TERM_GRACE_MS = 10_000;

/**
 * Node scripts run to their end, like support/runProcess's runNodeScript, but
 * each child is remembered so that stopAll() (in afterEach) ends every one
 * still running, by its pid: SIGTERM first (the swarm launcher then stops its
 * own peers), SIGKILL if it is still there after a grace period.
 */
export class TrackedProcesses {
  private readonly running = new Map<number, { child: ChildProcess; exited: Promise<void> }>();

  run(script: string, args: string[], options: { cwd: string; killAfterMs: number }): Promise<ProcessResult> {
    const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const result: ProcessResult = { code: null, stdout: '', stderr: '', output: '' };
    child.stdout!.on('data', (d) => ((result.stdout += d), (result.output += d)));
    child.stderr!.on('data', (d) => ((result.stderr += d), (result.output += d)));
    const guard = setTimeout(() => child.pid !== undefined && signal(child.pid, 'SIGTERM'), options.killAfterMs);
    const closed = new Promise<ProcessResult>((resolve) =>
      child.on('close', (code) => {
        clearTimeout(guard);
        if (child.pid !== undefined) this.running.delete(child.pid);
        resolve({ ...result, code });
      }),
    );
    if (child.pid !== undefined) this.running.set(child.pid, { child, exited: closed.then(() => undefined) });
    return closed;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.running].map(async ([pid, { exited }]) => {
        signal(pid, 'SIGTERM');
        try {
          await withTimeout(exited, `pid ${pid} to stop after SIGTERM`, TERM_GRACE_MS);
        } catch {
          signal(pid, 'SIGKILL');
          await withTimeout(exited, `pid ${pid} to die after SIGKILL`);
        }
      }),
    );
  }
}

/** Stops a PeerProcess gracefully (SIGTERM, by pid): it checkpoints its resume state and flushes its logs, exiting 130. */
export async function terminate(peer: PeerProcess, timeoutMs = 10_000): Promise<number | null> {
  if (peer.running && peer.pid !== undefined) signal(peer.pid, 'SIGTERM');
  return (await peer.finished(timeoutMs)).code;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
