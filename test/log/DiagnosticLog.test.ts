import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Clock } from '../../src/common/Clock';
import { DiagnosticLog } from '../../src/log/DiagnosticLog';

const fixedTime = new Date(2026, 10, 21, 10, 15, 4).getTime();
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
    expect(fs.readFileSync(file, 'utf8')).toBe('2026-11-21 10:15:04 [1002] info: config read\n');
  });
});
