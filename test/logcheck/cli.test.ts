import * as fs from 'fs';
import * as path from 'path';
import { runNodeScript } from '../support/runProcess.js';
import { correctRun, tempDir, writeConfig, writeLogs } from './runFixture.js';

const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');

beforeAll(() => {
  if (!fs.existsSync(SWARMLAB)) throw new Error(`${SWARMLAB} is missing: run npm run build (npm test does it first)`);
});

let folder: ReturnType<typeof tempDir>;
beforeEach(() => (folder = tempDir()));
afterEach(() => folder.remove());

const swarmlab = (args: string[]) => runNodeScript(SWARMLAB, args, { cwd: folder.root, killAfterMs: 20_000 });

/** A student's run: logs of 5001-5003 in `student/logs`, its config in `student/`. */
function studentRun(): void {
  writeLogs(path.join(folder.root, 'student', 'logs'), correctRun());
  writeConfig(path.join(folder.root, 'student'), [5001, 5002, 5003]);
}

describe.each(['check-logs', 'report'])('%s: the config must be the logs\' run', (command) => {
  test('a ./PeerInfo.cfg that does not list the logs\' peers stops with exit 3, naming both', async () => {
    studentRun();
    writeConfig(folder.root, [1001, 1002, 1003, 1004, 1005, 1006]);
    const { code, stderr, stdout } = await swarmlab([command, 'student/logs']);
    expect({ code, stderr }).toEqual({
      code: 3,
      stderr: `${command}: student/logs holds the logs of peers 5001-5003, which PeerInfo.cfg does not list (it lists 1001-1006): pass --config-dir the folder of the experiment's Common.cfg and PeerInfo.cfg\n`,
    });
    expect(stdout).toBe('');
  });

  test('a --config-dir that does not exist stops with exit 3', async () => {
    studentRun();
    const { code, stderr } = await swarmlab([command, 'student/logs', '--config-dir', 'foo']);
    expect({ code, stderr }).toEqual({ code: 3, stderr: `${command}: --config-dir foo: no such folder\n` });
  });

  test('a --config-dir without the config files stops with exit 3', async () => {
    studentRun();
    const { code, stderr } = await swarmlab([command, 'student/logs', '--config-dir', 'student/logs']);
    expect({ code, stderr }).toEqual({ code: 3, stderr: expect.stringContaining(`${command}: ${path.join('student', 'logs', 'Common.cfg')}: file not found`) });
  });

  test('the run\'s --config-dir is used; a listed peer without a log is a finding, not a mismatch', async () => {
    // 5003 never ran: the others' logs do not mention it.
    const withoutPeer5003 = correctRun().slice(0, 2).map((log) => ({ ...log, lines: log.lines.map((line) => line.replace(',5003', '')).filter((line) => !line.includes('5003')) }));
    writeLogs(path.join(folder.root, 'student', 'logs'), withoutPeer5003);
    writeConfig(path.join(folder.root, 'student'), [5001, 5002, 5003]);
    const { code, stdout } = await swarmlab([command, 'student/logs', '--config-dir', 'student']);
    if (command === 'check-logs') {
      expect({ code, stdout }).toEqual({ code: 9, stdout: expect.stringContaining('connections: no "is connected from Peer 5003"') });
      expect(stdout).toContain('2 logs checked with Common.cfg and PeerInfo.cfg: 2 violation(s)');
    } else {
      expect({ code, stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/, 2 log violation\(s\)/) });
    }
  });
});

test('check-logs with no config here and no --config-dir checks without one, and says so', async () => {
  studentRun();
  const { code, stdout } = await swarmlab(['check-logs', 'student/logs']);
  expect({ code, stdout }).toEqual({ code: 0, stdout: '3 logs checked without a config (no Common.cfg or PeerInfo.cfg here and no --config-dir): piece count inferred; k and peer-order rules skipped: no violations\n' });
});

test('check-logs with the run\'s config finds no violations in a correct run', async () => {
  studentRun();
  const { code, stdout } = await swarmlab(['check-logs', 'student/logs', '--config-dir', 'student']);
  expect({ code, stdout }).toEqual({ code: 0, stdout: '3 logs checked with Common.cfg and PeerInfo.cfg: no violations\n' });
});

describe('check-logs on a student\'s mistakes', () => {
  /** The student's run with peer 5002's lines edited. */
  function studentRunWith(edit: (line: string, index: number) => string): void {
    studentRun();
    const logs = correctRun().map((log) => (log.peerId === 5002 ? { ...log, lines: log.lines.map(edit) } : log));
    writeLogs(path.join(folder.root, 'student', 'logs'), logs);
  }

  test('sentences missing their final \'.\': one entry, with the closest spec sentence and the other lines', async () => {
    studentRunWith((line) => line.replace(/\.$/, ''));
    const { code, stdout } = await swarmlab(['check-logs', 'student/logs', '--config-dir', 'student']);
    const file = path.join('student', 'logs', 'log_peer_5002.log');
    expect({ code, stdout }).toEqual({
      code: 9,
      stdout: expect.stringContaining(
        `${file}:1: spec sentence: not one of the spec's sentences: 2026-11-21 10:00:00: Peer 5002 makes a connection to Peer 5001 — ` +
          "closest spec sentence: '[Time]: Peer [id1] makes a connection to Peer [id2].' — missing the final '.'\n" +
          '  and 6 more lines like this one (lines 2, 3, 4, 5, 6, 7)\n',
      ),
    });
    expect(stdout.match(/not one of the spec's sentences/g)).toHaveLength(1);
  });

  test('a time that cannot be read, and a line moved back an hour, are reported', async () => {
    studentRunWith((line, i) => (i === 2 ? line.replace(/^.*?(?=: Peer)/, 'xx') : i === 4 ? line.replace('10:00:02', '09:00:02') : line));
    const { code, stdout } = await swarmlab(['check-logs', 'student/logs', '--config-dir', 'student']);
    const file = path.join('student', 'logs', 'log_peer_5002.log');
    expect({ code, stdout }).toEqual({
      code: 9,
      stdout:
        `${file}:3: time: cannot read the time 'xx': the spec asks for the date, hours, minutes and seconds\n` +
        `${file}:5: time order: the time 2026-11-21 09:00:02 is out of place, 59 min 59 s before the lines around it (line 4: 2026-11-21 10:00:01; line 6: 2026-11-21 10:00:03)\n` +
        '3 logs checked with Common.cfg and PeerInfo.cfg: 2 violation(s)\n',
    });
  });
});

describe.each(['check-logs', 'report'])('%s: the logs folder, positional or --logs', (command) => {
  test.each([[['student/logs']], [['--logs', 'student/logs']], [['student/logs', '--logs', 'student/logs/']]])('%j', async (logsArgs) => {
    studentRun();
    const { code, stdout } = await swarmlab([command, ...logsArgs, '--config-dir', 'student']);
    expect({ code, stdout }).toEqual({ code: 0, stdout: expect.stringMatching(command === 'check-logs' ? /^3 logs checked with Common.cfg and PeerInfo.cfg: no violations\n$/ : /^wrote student\/logs\/report.html: /) });
  });

  test('two different folders is a usage error', async () => {
    studentRun();
    const { code, stderr } = await swarmlab([command, 'student/logs', '--logs', 'logs']);
    expect({ code, stderr }).toEqual({ code: 2, stderr: expect.stringContaining('the logs folder is given twice, as student/logs and --logs logs: give one') });
  });
});

describe('report: where the page goes', () => {
  test('by default into the logs folder, not the working folder, and it says where', async () => {
    studentRun();
    const { code, stdout } = await swarmlab(['report', '--logs', 'student/logs', '--config-dir', 'student']);
    expect({ code, stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/^wrote student\/logs\/report\.html: /) });
    expect(fs.readFileSync(path.join(folder.root, 'student', 'logs', 'report.html'), 'utf8')).toContain('<title>swarmlab report: 3 peers (student/logs)</title>');
    expect(fs.existsSync(path.join(folder.root, 'report.html'))).toBe(false);
  });

  test('-o wins; a file that cannot be written is exit 6, named', async () => {
    studentRun();
    const written = await swarmlab(['report', 'student/logs', '--config-dir', 'student', '-o', 'mine.html']);
    expect({ code: written.code, stdout: written.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/^wrote mine\.html: /) });
    expect(fs.existsSync(path.join(folder.root, 'mine.html'))).toBe(true);
    const failed = await swarmlab(['report', 'student/logs', '--config-dir', 'student', '-o', 'nowhere/mine.html']);
    expect({ code: failed.code, stderr: failed.stderr }).toEqual({ code: 6, stderr: expect.stringMatching(/^report: cannot write nowhere\/mine\.html: ENOENT/) });
  });
});
