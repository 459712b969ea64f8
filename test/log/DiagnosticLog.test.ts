import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { Clock } from '../../src/common/Clock.js';
import { DiagnosticLog } from '../../src/log/DiagnosticLog.js';
import { runNodeScript } from '../support/runProcess.js';

const DIST = path.join(import.meta.dirname, '..', '..', 'dist');

const fixedTime = new Date(2026, 10, 21, 10, 15, 4, 37).getTime();
const clock: Clock = { now: () => fixedTime, every: () => () => {}, after: () => () => {} };

describe('DiagnosticLog', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-diag-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a line logged after close (a late signal handler, say) is dropped, not thrown as "write after end"', async () => {
    const file = path.join(dir, 'log_peer_1002.debug.log');
    const diag = new DiagnosticLog({ peerId: 1002, logFile: file, level: 'debug', clock, console: false });
    diag.info('config read');
    await diag.close();
    expect(() => {
      diag.error('late error');
      diag.warn('SIGTERM received: closing connections');
      diag.info('late info');
      diag.debug('late debug');
    }).not.toThrow();
    // The stream reports a write after end on a later tick, as an 'error' event nobody handles.
    await new Promise((resolve) => setImmediate(resolve));
    await diag.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('2026-11-21 10:15:04.037 [1002] info: config read\n');
  });

  test('a repeated protocol sentence goes to the file with milliseconds, never to the console', async () => {
    const file = path.join(dir, 'log_peer_1003.debug.log');
    // A process of its own: its console is the real one (jest's replaced console hides what winston writes).
    const script = `
      import(${JSON.stringify(pathToFileURL(path.join(DIST, 'log', 'DiagnosticLog.js')).href)}).then(({ DiagnosticLog }) => {
        const clock = { now: () => ${fixedTime}, every: () => () => {}, after: () => () => {} };
        const diag = new DiagnosticLog({ peerId: 1003, logFile: ${JSON.stringify(file)}, level: 'info', clock, console: true });
        diag.repeat('Peer 1003 is unchoked by 1001.');
        diag.info('listening on port 7003');
        return diag.close();
      });`;
    const { stdout } = await runNodeScript('-e', [script], { cwd: dir, killAfterMs: 10_000 });
    expect(fs.readFileSync(file, 'utf8')).toBe(
      '2026-11-21 10:15:04.037 [1003] info: protocol log: Peer 1003 is unchoked by 1001.\n2026-11-21 10:15:04.037 [1003] info: listening on port 7003\n',
    );
    expect(stdout).toBe('2026-11-21 10:15:04.037 [1003] info: listening on port 7003\n');
  });
});
