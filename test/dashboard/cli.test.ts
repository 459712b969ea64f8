import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { runNodeScript } from '../support/runProcess.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';

const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');

let setup: SwarmSetup | undefined;
let blocker: net.Server | undefined;
afterEach(() => {
  setup?.remove();
  blocker?.close();
  setup = blocker = undefined;
});

beforeAll(() => {
  if (!fs.existsSync(SWARMLAB)) throw new Error(`${SWARMLAB} is missing: run npm run build (npm test does it first)`);
});

describe('swarmlab swarm --ui', () => {
  test('prints the dashboard URL and, without a terminal, closes it with the run', async () => {
    setup = await makeSwarmDir({ peers: 3, fileSize: 50_000, pieceSize: 1000 });
    const { code, stdout, output } = await runNodeScript(SWARMLAB, ['swarm', '--make-file', '--ui', '--timeout', '60'], { cwd: setup.root, killAfterMs: 80_000 });
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('all 3 copies are byte-identical') });
    expect(stdout).toMatch(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m);
    expect(stdout).not.toContain('stays up');
  }, 90_000);

  test('a taken --ui-port stops before any peer starts, with exit code 5', async () => {
    setup = await makeSwarmDir({ peers: 2, fileSize: 1000, pieceSize: 100 });
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const { code, stderr, stdout } = await runNodeScript(SWARMLAB, ['swarm', '--make-file', '--ui-port', String(port)], { cwd: setup.root, killAfterMs: 20_000 });
    expect({ code, stderr }).toEqual({ code: 5, stderr: expect.stringContaining(`the dashboard cannot listen on 127.0.0.1:${port}`) });
    expect(stdout).not.toContain('dashboard:');
    expect(fs.existsSync(path.join(setup.root, 'logs', 'log_peer_1001.log'))).toBe(false);
  }, 30_000);

  test('--ui-port must be a port number', async () => {
    setup = await makeSwarmDir({ peers: 2, fileSize: 1000, pieceSize: 100 });
    const { code, stderr } = await runNodeScript(SWARMLAB, ['swarm', '--ui-port', '70000'], { cwd: setup.root, killAfterMs: 20_000 });
    expect({ code, stderr }).toEqual({ code: 2, stderr: expect.stringContaining('--ui-port takes a port number, 0 to 65535') });
  });
});
