import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { Waiters } from '../waiting.js';

/** How the three clients (aria2, libtorrent, swarmlab) are started in tests and the benchmark. */
export interface ClientOptions {
  role: 'seed' | 'download';
  torrent: string;
  /** Holds the torrent's file or folder (a seeder reads it there, a downloader writes it there); the client's log goes here too. */
  dir: string;
  /** The port it listens on, on 127.0.0.1. */
  port: number;
  /** swarmlab only: keep a debug log with every message (tests: to show why one failed; a benchmark measures without). */
  debugLog?: boolean;
  /** swarmlab and libtorrent: find peers through a DHT starting from this node on 127.0.0.1 (host:port); without it the DHT is off. */
  dhtBootstrap?: string;
}

export type StartClient = (options: ClientOptions) => Promise<RunningClient>;

export interface ClientExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One client process we started: tests stop it by this pid and no other. */
export interface RunningClient {
  /** e.g. "aria2 seeder on port 40123", for failure messages. */
  readonly name: string;
  readonly pid: number;
  /** The port it listens on (and announces). */
  readonly port: number;
  /** Its stdout and stderr as they came. */
  readonly logFile: string;
  readonly exited: Promise<ClientExit>;
  /** How it ended, once it has; undefined while it runs. */
  exit(): ClientExit | undefined;
  /** The first stdout line matching `pattern`; fails when the process exits first or after `timeoutMs`. */
  untilLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** SIGTERM to its pid, SIGKILL after a grace; resolves once it has exited. */
  stop(): Promise<void>;
  /** Its last lines of output, for a failure message. */
  tail(): string;
}

/** Long enough for a client to announce `stopped` to a tracker on loopback. */
const STOP_GRACE_MS = 5_000;
const TAIL_LINES = 30;
/** Lines of stdout kept for untilLine: the clients print a line a second at most, so this is minutes of output. */
const KEPT_LINES = 1_000;

export function describeExit(exit: ClientExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** What a client is: its name in messages and log files, and what to say when it is not installed. */
export interface ClientProgram {
  client: 'aria2' | 'libtorrent' | 'swarmlab';
  command: string;
  args: string[];
  missing(detail: string): Error;
}

/**
 * Spawns a client with its output going to a log file in its directory (and
 * kept in memory for untilLine and tail). Rejects with `missing()`'s error
 * when the program is not installed, so a test names what installs it.
 */
export async function startClientProcess(program: ClientProgram, options: ClientOptions): Promise<RunningClient> {
  const name = `${program.client} ${options.role === 'seed' ? 'seeder' : 'downloader'} on port ${options.port}`;
  const logFile = path.join(options.dir, `${program.client}-${options.role}-${options.port}.log`);
  const child = spawn(program.command, program.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? program.missing(error.message) : error));
  });
  const log = fs.createWriteStream(logFile);
  const lines: string[] = [];
  const recent: string[] = [];
  const waiters = new Waiters();
  let exit: ClientExit | undefined;
  const keep = (list: string[], line: string, limit: number) => {
    list.push(line);
    if (list.length > limit) list.shift();
  };
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    log.write(`${line}\n`);
    keep(lines, line, KEPT_LINES);
    keep(recent, line, TAIL_LINES);
    waiters.notify();
  });
  readline.createInterface({ input: child.stderr! }).on('line', (line) => {
    log.write(`${line}\n`);
    keep(recent, line, TAIL_LINES);
  });
  const exited = new Promise<ClientExit>((resolve) =>
    child.once('close', (code, signal) => {
      exit = { code, signal };
      log.end(() => resolve(exit!));
      waiters.notify();
    }),
  );
  const pid = child.pid!;
  const tail = () => recent.join('\n');
  return {
    name,
    pid,
    port: options.port,
    logFile,
    exited,
    exit: () => exit,
    tail,
    untilLine(pattern, timeoutMs) {
      return waiters.until(
        () => {
          const line = lines.find((l) => pattern.test(l));
          if (line === undefined && exit) throw new Error(`${name} ${describeExit(exit)} before printing ${pattern}; its last output:\n${tail()}`);
          return line;
        },
        () => `${name} to print ${pattern}; its last output:\n${tail()}`,
        timeoutMs,
      );
    },
    async stop() {
      if (exit) return;
      signal(pid, 'SIGTERM');
      const kill = setTimeout(() => exit || signal(pid, 'SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(kill);
    },
  };
}

/** A signal to exactly this pid; one that has just exited (not yet reaped) is no error. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
