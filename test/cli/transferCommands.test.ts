/**
 * `swarmlab download` and `swarmlab seed` as a user meets them: exit codes and
 * messages for bad input, the seed check, and data already in DIR reused.
 * Everything on 127.0.0.1 with our own tracker, and the DHT off (its default
 * bootstrap nodes are public routers, never contacted by a test).
 */
import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { freePorts } from '../../src/net/freePorts.js';
import { SWARMLAB_CLI } from '../support/realClients/swarmlab.js';
import { realClientsSuite, DOWNLOAD_MS, SEEDER_READY_MS } from '../support/realClients/suite.js';
import { exitedByItself, mustHaveExitedZero } from '../support/realClients/realSwarm.js';
import { sameTree, SINGLE_FILE } from '../support/realClients/torrentFixtures.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';
import { runNodeScript } from '../support/runProcess.js';
import { LOOPBACK } from '../support/sockets.js';

jest.setTimeout(60_000);

const suite = realClientsSuite();
const temps: string[] = [];
afterEach(() => temps.splice(0).forEach(removeTempDir));

function tempDir(): string {
  const dir = makeTempDir('swarmlab-transfer-');
  temps.push(dir);
  return dir;
}

async function swarmlab(args: string[], cwd = tempDir()) {
  const [port] = await freePorts(1);
  return runNodeScript(SWARMLAB_CLI, [...args, '--port', String(port), '--bind', LOOPBACK, '--no-dht'], { cwd, killAfterMs: 30_000 });
}

describe('bad input: a clear message and an exit code that says what', () => {
  test('a .torrent that is missing or not a torrent: exit 8, naming the file', async () => {
    const dir = tempDir();
    const missing = await swarmlab(['download', path.join(dir, 'nothing.torrent'), '--dir', dir]);
    expect(missing.code).toBe(8);
    expect(missing.stderr).toMatch(/^download: .*nothing\.torrent/m);
    fs.writeFileSync(path.join(dir, 'junk.torrent'), 'not bencode');
    const junk = await swarmlab(['seed', path.join(dir, 'junk.torrent'), '--dir', dir]);
    expect(junk.code).toBe(8);
    expect(junk.stderr).toMatch(/^seed: .*junk\.torrent/m);
  });

  test('seed with data that does not match: exit 4, naming the pieces and the file', async () => {
    const fixture = suite.fixture('single-file');
    const dir = tempDir();
    const copy = path.join(dir, SINGLE_FILE.name);
    fs.copyFileSync(fixture.original, copy);
    const handle = fs.openSync(copy, 'r+');
    fs.writeSync(handle, Buffer.from('tampered'), 0, 8, 2 * SINGLE_FILE.pieceSize + 5); // inside piece 2
    fs.closeSync(handle);
    const result = await swarmlab(['seed', fixture.torrent, '--dir', dir]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/pieces? 2 of 49 do(es)? not match/);
    expect(result.stderr).toContain(SINGLE_FILE.name);
  });

  test('seed without the data: exit 4, naming the missing file', async () => {
    const result = await swarmlab(['seed', suite.fixture('multi-file').torrent, '--dir', tempDir()]);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/multi[/\\]a[/\\]b[/\\]c\.bin/);
  });

  test('a port already taken: exit 5, saying to choose another', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, LOOPBACK, resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      const dir = tempDir();
      const result = await runNodeScript(SWARMLAB_CLI, ['download', suite.fixture('single-file').torrent, '--dir', dir, '--port', String(port), '--bind', LOOPBACK, '--no-dht'], {
        cwd: dir,
        killAfterMs: 30_000,
      });
      expect(result.code).toBe(5);
      expect(result.stderr).toMatch(new RegExp(`port ${port}.*--port`));
    } finally {
      busy.close();
    }
  });

  test('--port and --bind are checked before anything starts: exit 2', async () => {
    const dir = tempDir();
    const result = await runNodeScript(SWARMLAB_CLI, ['download', suite.fixture('single-file').torrent, '--port', 'http', '--bind', 'localhost', '--no-dht'], { cwd: dir, killAfterMs: 30_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port takes a whole number|--bind takes an IP address/);
  });
});

describe('data already in DIR', () => {
  test('is rechecked and reused: only the damaged pieces are downloaded, and the copy is exact', async () => {
    const fixture = suite.fixture('single-file');
    await suite.swarm.seeder('swarmlab', fixture, SEEDER_READY_MS);
    const { downloader, copy } = await suite.swarm.downloader('swarmlab', fixture, (dir) => {
      // A copy with two pieces damaged (2 and 40): the other 47 must be kept, not fetched again.
      const partial = path.join(dir, SINGLE_FILE.name);
      fs.copyFileSync(fixture.original, partial);
      const handle = fs.openSync(partial, 'r+');
      for (const piece of [2, 40]) fs.writeSync(handle, Buffer.alloc(100, 0xee), 0, 100, piece * SINGLE_FILE.pieceSize);
      fs.closeSync(handle);
    });
    mustHaveExitedZero(downloader, await exitedByItself(downloader, DOWNLOAD_MS));
    await sameTree(fixture.original, copy);
    // The summary counts what came over the wire: two pieces.
    expect(downloader.tail()).toMatch(new RegExp(`downloaded ${SINGLE_FILE.name}: 128\\.0 KiB`));
    // It told the tracker it started, completed, and stopped (BEP 3's events, each once).
    expect(suite.tracker.eventsOf(downloader.port)).toEqual(['started', 'completed', 'stopped']);
  });
});
