import { spawn, type ChildProcess } from 'child_process';
import * as path from 'path';
import type { SwarmSetup } from './swarmDir.js';
import { DEFAULT_WAIT_MS, Waiters, withTimeout } from './waiting.js';

export const PEER_PROCESS_SCRIPT = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'peerProcess.js');

export interface PeerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One real `node dist/cli/peerProcess.js <id>` on a swarm dir made by
 * makeSwarmDir (peers in DIR/peers, logs in DIR/logs), its output kept.
 * kill() ends exactly this process, by pid, if it is still running.
 */
export class PeerProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<PeerExit>;
  private readonly child: ChildProcess;
  private readonly waiters = new Waiters();
  private exit: PeerExit | undefined;

  private constructor(
    readonly peerId: number,
    setup: SwarmSetup,
  ) {
    const args = [
      PEER_PROCESS_SCRIPT,
      String(peerId),
      '--config-dir', setup.root,
      '--peers-dir', path.join(setup.root, 'peers'),
      '--log-dir', path.join(setup.root, 'logs'),
    ];
    this.child = spawn(process.execPath, args, { cwd: setup.root, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let partial = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        this.lines.push(...parts);
        this.waiters.notify();
      });
    }
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        this.waiters.notify();
        resolve(this.exit);
      }),
    );
  }

  static start(peerId: number, setup: SwarmSetup): PeerProcess {
    return new PeerProcess(peerId, setup);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Resolves with the first output line containing `fragment` (fails at once if the process exits first). */
  waitForLine(fragment: string, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    return this.waiters.until(
      () => {
        const line = this.lines.find((l) => l.includes(fragment));
        if (line) return line;
        if (this.exit) throw new Error(`peer ${this.peerId} exited (${JSON.stringify(this.exit)}) before printing "${fragment}":\n${this.tail()}`);
        return undefined;
      },
      () => `peer ${this.peerId} to print "${fragment}"`,
      timeoutMs,
    );
  }

  /** Once it listens (it prints "listening on port N"). */
  listening(timeoutMs = 10_000): Promise<string> {
    return this.waitForLine('listening on port', timeoutMs);
  }

  finished(timeoutMs: number): Promise<PeerExit> {
    return withTimeout(this.exited, () => `peer ${this.peerId} to exit; last output:\n${this.tail()}`, timeoutMs);
  }

  tail(lines = 20): string {
    return this.lines.slice(-lines).join('\n');
  }

  /** SIGKILL by pid if still running; resolves once it is gone. */
  async kill(): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    try {
      process.kill(this.child.pid, 'SIGKILL');
    } catch {
      return; // already gone
    }
    await withTimeout(this.exited, `peer ${this.peerId} (pid ${this.child.pid}) to die`);
  }
}
