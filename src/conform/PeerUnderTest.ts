import { spawn, type ChildProcess } from 'child_process';

/** Lines of the peer's output kept for the report when it cannot start. */
const OUTPUT_LINES_KEPT = 40;
/** After SIGTERM, how long the peer has to flush and exit before SIGKILL. */
const TERM_GRACE_MS = 2_000;

export interface PeerExit {
  atMs: number;
  code: number | null;
  signal: string | null;
}

/**
 * The command under test, started in its working directory with `{id}`
 * replaced in every argument (no shell: the words are the user's as given).
 * It is stopped by its pid alone.
 */
export class PeerUnderTest {
  readonly output: string[] = [];
  readonly exited: Promise<PeerExit>;
  /** Why it could not be spawned (ENOENT, EACCES), if so. */
  spawnError: string | undefined;
  exit: PeerExit | undefined;
  private readonly child: ChildProcess;

  constructor(command: readonly string[], peerId: number, cwd: string, clock: () => number) {
    const [program, ...args] = command.map((word) => word.replaceAll('{id}', String(peerId)));
    this.child = spawn(program, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => this.keep(chunk));
    }
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.spawnError = `cannot start ${program}: ${error.message}`;
        this.exit ??= { atMs: clock(), code: null, signal: null };
        resolve(this.exit);
      });
      this.child.once('exit', (code, signal) => {
        this.exit ??= { atMs: clock(), code, signal };
        resolve(this.exit);
      });
    });
  }

  /** SIGTERM by pid, then SIGKILL if it is still there after a grace; resolves once it is gone. */
  async stop(): Promise<void> {
    if (this.exit) return;
    this.signal('SIGTERM');
    const killer = setTimeout(() => this.signal('SIGKILL'), TERM_GRACE_MS);
    await this.exited;
    clearTimeout(killer);
  }

  /** Resolves with its exit, or undefined after `ms`. */
  async exitWithin(ms: number): Promise<PeerExit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, ms))));
    const exit = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    return exit;
  }

  private signal(name: NodeJS.Signals): void {
    if (this.exit || this.child.pid === undefined) return;
    try {
      process.kill(this.child.pid, name);
    } catch {
      // already gone
    }
  }

  private keep(chunk: string): void {
    this.output.push(...chunk.split('\n').filter((line) => line.trim() !== ''));
    this.output.splice(0, Math.max(0, this.output.length - OUTPUT_LINES_KEPT));
  }
}
