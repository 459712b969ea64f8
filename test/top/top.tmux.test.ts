import { jest } from '@jest/globals';
import { execFileSync } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { eventually } from '../support/polling.js';
import { runNodeScript } from '../support/runProcess.js';
import { freePort } from '../support/sockets.js';
import { FakeDaemon } from './fakeDaemon.js';
import { summary } from './fixtures.js';

/**
 * `swarmlab top` as a person meets it: in a real terminal (a detached tmux
 * session of 120x30, on its own tmux server), against a fake daemon.
 */
const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');
const ESC = '\x1b';

const ubuntu = summary({ id: 'aa'.repeat(20), name: 'ubuntu.iso' });
const debian = summary({ id: 'bb'.repeat(20), name: 'debian.iso', state: 'seeding', progress: 1, downloadRate: 0 });
const canned = () =>
  new FakeDaemon([ubuntu, debian], {
    [ubuntu.id]: {
      files: [{ index: 0, path: 'ubuntu/ubuntu.iso', sizeBytes: 4 << 20, doneBytes: 2 << 20, pieceCount: 16, piecesHeld: 8, priority: 'normal' }],
      peers: [{ address: '127.0.0.2:6881', client: 'qBittorrent 4.6.0', flags: 'IE', direction: 'outbound', downloadRate: 50 << 10, uploadRate: 0, progress: 0.25 }],
    },
    [debian.id]: { files: [{ index: 0, path: 'debian/debian.iso', sizeBytes: 4 << 20, doneBytes: 4 << 20, pieceCount: 16, piecesHeld: 16, priority: 'high' }], peers: [] },
  });

jest.setTimeout(30_000);

let socket: string;
/** The tmux server's socket file, which kill-server leaves behind. */
let socketPath: string | undefined;
let daemon: FakeDaemon;
let dir: string;
let sockets = 0;

const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const screen = (escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'top');
/** tmux's values of the pane's formats, e.g. alternate_on, separated by spaces. */
const paneFlag = (names: string) => tmux('display-message', '-p', '-t', 'top', names.replace(/\w+/g, '#{$&}')).trim();

/** Waits until the screen shows `text`; fails naming what the screen showed. */
function screenShows(text: string | RegExp): Promise<string> {
  let last = '';
  return eventually(
    () => {
      last = screen();
      return (typeof text === 'string' ? last.includes(text) : text.test(last)) && last;
    },
    () => `the screen to show ${text}; it showed:\n${last}`,
  );
}

/** The screen's line that contains `text`, with its colours' escape codes. */
function colouredLine(text: string): string {
  return screen(true).split('\n').find((line) => line.includes(text)) ?? '';
}

/**
 * Starts `swarmlab top ARGS` in a new tmux server's 120x30 session, with CI=true as on CI
 * (ink must draw anyway). Once top exits, the shell prints its exit code and the
 * terminal's settings, to show they are restored (icanon and echo back on).
 */
async function startTop(...args: string[]): Promise<void> {
  const command = ['node', SWARMLAB, 'top', '--api', await daemon.start(), ...args].map((word) => `'${word}'`).join(' ');
  tmux('new-session', '-d', '-s', 'top', '-x', '120', '-y', '30', '-e', 'CI=true', `${command}; echo "top exited $?"; stty -a; sleep 60`);
  socketPath = paneFlag('socket_path');
}

/** Waits for top to exit; its exit code. */
async function exitCode(): Promise<number> {
  return Number((await screenShows(/top exited (\d+)/)).match(/top exited (\d+)/)![1]);
}

beforeEach(async () => {
  socket = `swarmlab-top-test-${process.pid}-${++sockets}`;
  socketPath = undefined;
  daemon = canned();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'swarmlab-top-'));
});

afterEach(async () => {
  try {
    tmux('kill-server');
  } catch {
    // no server: the test never started one
  }
  if (socketPath) await fs.rm(socketPath, { force: true });
  await daemon.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

test('draws the list and the peers, moves the selection, shows files, pauses, removes after y, and q restores the terminal', async () => {
  await startTop();
  await screenShows('127.0.0.2:6881');
  expect(screen()).toContain('Peers of ubuntu.iso');
  expect(screen()).toMatch(/ubuntu\.iso\s+downloading\s+█████░░░░░\s+50%\s+4\.0 MiB\s+150 KiB\/s\s+20\.0 KiB\/s/);
  expect(screen()).toContain('2 torrents  down 150 KiB/s  up 40.0 KiB/s');
  expect(paneFlag('alternate_on')).toBe('1');

  tmux('send-keys', '-t', 'top', 'Down');
  await screenShows('Peers of debian.iso');
  await screenShows('no peers connected');
  tmux('send-keys', '-t', 'top', 'Tab');
  await screenShows('debian/debian.iso');

  tmux('send-keys', '-t', 'top', 'p');
  await screenShows('paused debian.iso');
  expect(daemon.requests).toContainEqual({ method: 'POST', path: `/api/v1/torrents/${debian.id}/pause` });
  await screenShows(/debian\.iso\s+paused/);

  tmux('send-keys', '-t', 'top', 'd');
  await screenShows('remove debian.iso? (y/n)');
  expect(daemon.requests.some((r) => r.method === 'DELETE')).toBe(false);
  tmux('send-keys', '-t', 'top', 'y');
  await screenShows('removed debian.iso');
  expect(daemon.requests).toContainEqual({ method: 'DELETE', path: `/api/v1/torrents/${debian.id}` });
  await screenShows('Files of ubuntu.iso');
  expect(screen()).not.toMatch(/debian\.iso\s+paused/);

  tmux('send-keys', '-t', 'top', 'q');
  expect(await exitCode()).toBe(0);
  // Restored: the normal screen is back (not top's), the cursor shows, the terminal is no longer raw.
  expect(paneFlag('alternate_on cursor_flag')).toBe('0 1');
  expect(screen()).not.toContain('swarmlab top');
  expect(screen()).toMatch(/ icanon .* echo /);
});

test("draws in the config file's colours, the command line's winning over the file's", async () => {
  const config = path.join(dir, 'top.json');
  await fs.writeFile(config, JSON.stringify({ theme: { header: { fg: 'white', bg: 'magenta' }, selected: { bg: 'red' }, status: { fg: 'yellow', bg: 'blue' } } }));
  await startTop('--config', config, '--theme', 'selected.bg=green');
  await screenShows('Peers of ubuntu.iso');
  expect(colouredLine('swarmlab top')).toContain(`${ESC}[37m${ESC}[45m`);
  expect(colouredLine('ubuntu.iso  ')).toContain(`${ESC}[42m`);
  expect(colouredLine('ubuntu.iso  ')).not.toContain(`${ESC}[41m`);
  expect(colouredLine('2 torrents')).toContain(`${ESC}[33m${ESC}[44m`);
});

test('with --no-colour, no colour at all: the selection in reverse video', async () => {
  await startTop('--no-colour');
  await screenShows('Peers of ubuntu.iso');
  const coloured = screen(true);
  // 39 and 49 are "the terminal's own colours" (tmux writes them when attributes reset).
  expect(coloured).not.toMatch(/\x1b\[(3[0-8]|4[0-8]|9\d|10\d)m/);
  expect(colouredLine('ubuntu.iso  ')).toContain(`${ESC}[7m`);
});

test('says it is reconnecting while the daemon is away, and Ctrl-C quits with 0', async () => {
  await startTop('--units', 'bits', '--base', 'decimal');
  await screenShows('1.2 Mbit/s');
  await daemon.stop();
  await screenShows('daemon not answering: reconnecting...');
  tmux('send-keys', '-t', 'top', 'C-c');
  expect(await exitCode()).toBe(0);
});

test('SIGTERM stops it with 130, the terminal restored', async () => {
  await startTop();
  await screenShows('127.0.0.2:6881');
  // The pane's process is the shell that runs top; top is its one child.
  const shell = paneFlag('pane_pid');
  const top = Number(await fs.readFile(`/proc/${shell}/task/${shell}/children`, 'utf8'));
  process.kill(top, 'SIGTERM');
  expect(await exitCode()).toBe(130);
  expect(paneFlag('alternate_on cursor_flag')).toBe('0 1');
  expect(screen()).toMatch(/ icanon .* echo /);
});

describe('without a terminal', () => {
  const top = (...args: string[]) => runNodeScript(SWARMLAB, ['top', ...args], { cwd: dir, killAfterMs: 20_000 });

  test('no daemon at --api: exit 12, the URL named', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const { code, stderr } = await top('--api', url);
    expect(code).toBe(12);
    expect(stderr).toMatch(new RegExp(`^swarmlab top: cannot reach the daemon at ${url} \\(ECONNREFUSED\\)`));
  });

  test('a daemon, but no terminal: exit 2, saying why', async () => {
    const { code, stderr } = await top('--api', await daemon.start());
    expect(code).toBe(2);
    expect(stderr).toContain('swarmlab top: top draws in a terminal');
  });

  test('a malformed config file: exit 3, the file and the place named', async () => {
    const config = path.join(dir, 'top.json');
    await fs.writeFile(config, '{\n  "units": "bytes",\n  "base": "hex"\n}\n');
    const { code, stderr } = await top('--config', config);
    expect(code).toBe(3);
    expect(stderr.trim()).toBe(`swarmlab top: ${config}: "base" is "hex": it takes "binary" or "decimal"`);
  });

  test('a bad --theme or --units: exit 2', async () => {
    expect((await top('--theme', 'header.fg=purple')).code).toBe(2);
    const { code, stderr } = await top('--units', 'bytez');
    expect(code).toBe(2);
    expect(stderr).toContain('bytez');
  });
});
