import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { setAsidePreviousLogs } from '../../src/launcher/previousLogs.js';

describe('setAsidePreviousLogs: an earlier run\'s logs go to logs/previous/, not away', () => {
  let logDir: string;
  const previous = () => path.join(logDir, 'previous');
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  const names = (dir: string) => fs.readdirSync(dir).sort();

  beforeEach(() => (logDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-previous-')), 'logs')));
  afterEach(() => fs.rmSync(path.dirname(logDir), { recursive: true, force: true }));

  test('every peer log moves, with its text; other files stay', () => {
    write(path.join(logDir, 'log_peer_1001.log'), 'run 1\n');
    write(path.join(logDir, 'log_peer_1001.debug.log'), 'run 1 debug\n');
    write(path.join(logDir, 'log_peer_4242.log'), 'another set-up\n');
    write(path.join(logDir, 'notes.txt'), 'mine\n');
    write(path.join(logDir, 'artifacts', 'dashboard.png'), 'png');
    expect(setAsidePreviousLogs(logDir)).toEqual({ moved: 3, dir: previous() });
    expect(names(logDir)).toEqual(['artifacts', 'notes.txt', 'previous']);
    expect(names(previous())).toEqual(['log_peer_1001.debug.log', 'log_peer_1001.log', 'log_peer_4242.log']);
    expect(fs.readFileSync(path.join(previous(), 'log_peer_1001.log'), 'utf8')).toBe('run 1\n');
  });

  test('previous/ holds one run: the run before it is replaced, not added to', () => {
    write(path.join(previous(), 'log_peer_1001.log'), 'run 1\n');
    write(path.join(previous(), 'log_peer_1009.log'), 'run 1, a peer run 2 no longer has\n');
    write(path.join(previous(), 'README'), 'a file of the user\'s\n');
    write(path.join(logDir, 'log_peer_1001.log'), 'run 2\n');
    expect(setAsidePreviousLogs(logDir).moved).toBe(1);
    expect(names(previous())).toEqual(['README', 'log_peer_1001.log']);
    expect(fs.readFileSync(path.join(previous(), 'log_peer_1001.log'), 'utf8')).toBe('run 2\n');
  });

  test('a resumed run keeps the logs it continues; with nothing else to move, previous/ is left as it was', () => {
    write(path.join(previous(), 'log_peer_1002.log'), 'run 1\n');
    write(path.join(logDir, 'log_peer_1002.log'), 'run 2, continued\n');
    expect(setAsidePreviousLogs(logDir, new Set([1001, 1002])).moved).toBe(0);
    expect(fs.readFileSync(path.join(logDir, 'log_peer_1002.log'), 'utf8')).toBe('run 2, continued\n');
    expect(fs.readFileSync(path.join(previous(), 'log_peer_1002.log'), 'utf8')).toBe('run 1\n');
    write(path.join(logDir, 'log_peer_4242.debug.log'), 'a peer this run does not have\n');
    expect(setAsidePreviousLogs(logDir, new Set([1001, 1002])).moved).toBe(1);
    expect(names(previous())).toEqual(['log_peer_4242.debug.log']);
  });

  test('no log dir yet (a first run): nothing moved, nothing created', () => {
    expect(setAsidePreviousLogs(logDir).moved).toBe(0);
    expect(fs.existsSync(logDir)).toBe(false);
  });
});
