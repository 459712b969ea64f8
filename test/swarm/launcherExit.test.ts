import * as net from 'net';
import * as path from 'path';
import { runNodeScript } from '../support/runProcess.js';
import { LOOPBACK } from '../support/sockets.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';

const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');

describe('how a swarm ends early, and what the launcher says', () => {
  let setup: SwarmSetup | undefined;
  let blocker: net.Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => (blocker ? blocker.close(resolve) : resolve(undefined)));
    setup?.remove();
  });

  test('the second peer\'s port is taken: exit 7 in seconds (not after the 20 s start wait), quoting the peer\'s reason', async () => {
    setup = await makeSwarmDir({ peers: 3, fileSize: 10_000, pieceSize: 1000 });
    const port = setup.ports.get(1002)!;
    blocker = net.createServer();
    await new Promise<void>((resolve) => blocker!.listen(port, LOOPBACK, resolve));
    const startedAt = Date.now();
    // The guard stops a launcher still waiting for the peer well before its 20 s start wait would.
    const { code, output, stderr } = await runNodeScript(SWARMLAB, ['swarm', '--make-file'], { cwd: setup.root, killAfterMs: 12_000 });
    expect(Date.now() - startedAt).toBeLessThan(12_000);
    expect(code).toBe(7);
    // The last lines say why, without --verbose.
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(`peer 1002 exited with 5: peerProcess 1002: port ${port} on 127.0.0.1 is already in use`);
    expect(output).toMatch(/1003\s+not started \(peer 1002 exited with 5\)/);
    expect(output).not.toMatch(/write after end|did not start listening/);
  }, 20_000);

  test('Ctrl-C: every peer stopped, the summary printed, exit 130', async () => {
    setup = await makeSwarmDir({ peers: 3, fileSize: 2_000_000, pieceSize: 16_384 });
    // The seeder's upload is limited so the run is still going at the first progress line (every 2 s).
    const args = ['swarm', '--make-file', '--limit', '1001:up=100KiB/s,down=100KiB/s'];
    const { code, output } = await runNodeScript(SWARMLAB, args, { cwd: setup.root, killAfterMs: 30_000, interruptWhen: /^progress:/m });
    expect(code).toBe(130);
    expect(output).toMatch(/1002\s+stopped \(interrupted\)/);
    expect(output).toMatch(/^peer {2}end/m);
  }, 40_000);
});
