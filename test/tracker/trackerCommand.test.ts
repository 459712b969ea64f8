import { spawn, type ChildProcess } from 'child_process';
import * as net from 'net';
import * as path from 'path';
import yargs from 'yargs';
import { runTracker, trackerCommand, type StopSignal } from '../../src/cli/commands/tracker.js';
import { httpAnnouncer } from '../../src/swarm/tracker/httpAnnounce.js';
import { startTrackerServer } from '../../src/tracker/TrackerServer.js';
import { LOOPBACK } from '../support/sockets.js';
import { Waiters, withTimeout } from '../support/waiting.js';

const INFO_HASH = Buffer.alloc(20, 0xab);
const ROOT = path.join(import.meta.dirname, '..', '..');

/** runTracker in this process, its lines kept, stopped when the test says. */
function inProcess(port = 0) {
  const out: string[] = [];
  const err: string[] = [];
  const waiters = new Waiters();
  let stop!: (signal: StopSignal) => void;
  const stopped = new Promise<StopSignal>((resolve) => (stop = resolve));
  const exit = runTracker(
    { port, bind: LOOPBACK },
    {
      out: (line) => {
        out.push(line);
        waiters.notify();
      },
      err: (line) => err.push(line),
      stopped,
    },
  );
  const line = (fragment: string) => waiters.until(() => out.find((l) => l.includes(fragment)), `a line with "${fragment}"`);
  return { out, err, exit, stop, line };
}

describe('swarmlab tracker, in process', () => {
  test('prints its URLs and every announce; Ctrl-C stops it with 130, and the port is free again', async () => {
    const run = inProcess();
    const urlLine = await run.line('/announce');
    const httpUrl = urlLine.trim();
    const port = Number(new URL(httpUrl).port);
    expect(run.out).toEqual([
      `tracker: listening on 127.0.0.1, port ${port}, HTTP and UDP`,
      `  http://127.0.0.1:${port}/announce`,
      `  udp://127.0.0.1:${port}`,
      `statistics: http://127.0.0.1:${port}/stats`,
      'Ctrl-C stops it.',
    ]);
    const request = { infoHash: INFO_HASH, peerId: Buffer.from('-SL0100-\x00commandtest'), port: 7001, uploaded: 0, downloaded: 0, left: 5, event: 'started' as const, numwant: 50, key: 1 };
    await httpAnnouncer({ localAddress: LOOPBACK })(new URL(httpUrl), request, AbortSignal.timeout(5_000));
    expect(await run.line('started')).toBe('started 127.0.0.1:7001 over http, peer -SL0100-.commandtest, torrent abababababab: 0 seeders, 1 leecher');
    run.stop('SIGINT');
    expect(await run.exit).toBe(130);
    const again = await startTrackerServer({ port, bind: LOOPBACK });
    await again.close();
  });

  test('SIGTERM is a normal end: 0', async () => {
    const run = inProcess();
    await run.line('Ctrl-C');
    run.stop('SIGTERM');
    expect(await run.exit).toBe(0);
  });

  test('a port already taken: one clear line and exit 5', async () => {
    const blocker = await startTrackerServer({ port: 0, bind: LOOPBACK });
    try {
      const run = inProcess(blocker.port);
      expect(await run.exit).toBe(5);
      expect(run.err).toEqual([`tracker: 127.0.0.1 port ${blocker.port} is taken (by another tracker?): choose another with --port, or 0 for any free one`]);
      expect(run.out).toEqual([]);
    } finally {
      await blocker.close();
    }
  });
});

/** Parses a tracker command line without running past yargs' checks: the usage error or the help text. */
async function parseOnly(args: string[]): Promise<{ error?: string; output: string }> {
  let error: string | undefined;
  let output = '';
  await yargs(args)
    .scriptName('swarmlab')
    .command({ ...trackerCommand, handler: () => {} })
    .strict()
    .help()
    .exitProcess(false)
    // The first failure is the one a user sees: swarmlab exits on it.
    .fail((message) => (error ??= message))
    .parseAsync(args, {}, (_error, _argv, text) => {
      output = text;
    });
  return { error, output };
}

describe('swarmlab tracker, its command line', () => {
  test('--help names the options, their defaults and the exit codes', async () => {
    const { output } = await parseOnly(['tracker', '--help']);
    expect(output).toContain('swarmlab tracker');
    expect(output).toMatch(/--port .*\[default: "6969"\]/s);
    expect(output).toMatch(/--bind .*\[default: "127.0.0.1"\]/s);
    expect(output).toContain('130 stopped by Ctrl-C');
  });

  test.each([
    [['--port', '70000'], "--port takes a whole number from 0 to 65535, got '70000'"],
    [['--port', '1.5'], "--port takes a whole number from 0 to 65535, got '1.5'"],
    [['--port', 'abc'], "--port takes a whole number from 0 to 65535, got 'abc'"],
    [['--bind', 'localhost'], "--bind takes an IP address of this machine, such as 127.0.0.1, 0.0.0.0 or ::1, got 'localhost'"],
  ])('%j is a usage error: %s', async (args, message) => {
    expect((await parseOnly(['tracker', ...args])).error).toBe(message);
  });
});

describe('swarmlab tracker, a real process and real signals', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
  });

  /** Starts the built command and resolves once it has printed that it listens. */
  async function startProcess(): Promise<{ process: ChildProcess; exited: Promise<number | null>; stdout: () => string }> {
    const started = spawn(process.execPath, [path.join('dist', 'cli', 'swarmlab.js'), 'tracker', '--port', '0', '--bind', LOOPBACK], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let stdout = '';
    const waiters = new Waiters();
    started.stdout!.on('data', (data) => {
      stdout += data;
      waiters.notify();
    });
    const exited = new Promise<number | null>((resolve) => started.on('exit', (code) => resolve(code)));
    await waiters.until(() => stdout.includes('Ctrl-C stops it.'), 'the tracker to say it listens', 20_000);
    return { process: started, exited, stdout: () => stdout };
  }

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 0],
  ] as const)('%s: it closes and exits %i', async (signal, code) => {
    const { process: tracker, exited, stdout } = await startProcess();
    const port = Number(/udp:\/\/127\.0\.0\.1:(\d+)/.exec(stdout())![1]);
    tracker.kill(signal);
    expect(await withTimeout(exited, 'the tracker to exit')).toBe(code);
    // Nothing listens there any more.
    await expect(new Promise((resolve, reject) => net.connect({ host: LOOPBACK, port }).on('connect', resolve).on('error', reject))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  }, 30_000);
});
