import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { eventually } from '../support/polling.js';
import { runNodeScript, type ProcessResult } from '../support/runProcess.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';

const DIST = path.join(import.meta.dirname, '..', '..', 'dist', 'cli');

function run(script: string, args: string[], cwd: string): Promise<ProcessResult> {
  return runNodeScript(path.join(DIST, script), args, { cwd, killAfterMs: 20_000 });
}

describe('peerProcess exit codes and messages', () => {
  let setup: SwarmSetup;
  beforeEach(async () => (setup = await makeSwarmDir({ peers: 2, fileSize: 1000, pieceSize: 100 })));
  afterEach(() => setup.remove());

  test('--help lists the options and exits 0', async () => {
    const { code, stdout } = await run('peerProcess.js', ['--help'], setup.root);
    expect(code).toBe(0);
    for (const option of ['--config-dir', '--peers-dir', '--log-dir', '--log-level']) expect(stdout).toContain(option);
  });

  test('a missing or non-numeric peer ID is a usage error (2)', async () => {
    expect((await run('peerProcess.js', [], setup.root)).code).toBe(2);
    const { code, stderr } = await run('peerProcess.js', ['abc'], setup.root);
    expect(code).toBe(2);
    expect(stderr).toContain('peerId');
  });

  test('a malformed Common.cfg: exit 3 naming the file, the line and the key', async () => {
    const file = path.join(setup.root, 'Common.cfg');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/PieceSize \d+/, 'PieceSize lots'));
    const { code, stderr } = await run('peerProcess.js', ['1001'], setup.root);
    expect(code).toBe(3);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/Common\.cfg:6: PieceSize: .*'lots'/);
  });

  test('a peer not listed in PeerInfo.cfg: exit 3', async () => {
    const { code, stderr } = await run('peerProcess.js', ['4242'], setup.root);
    expect(code).toBe(3);
    expect(stderr).toContain('peer 4242 is not listed in PeerInfo.cfg');
  });

  test('a seeder without its file: exit 4 naming the file', async () => {
    const { code, stderr } = await run('peerProcess.js', ['1001'], setup.root);
    expect(code).toBe(4);
    expect(stderr).toContain(path.join('peers', 'peer_1001', setup.fileName));
  });

  test('a port already in use: exit 5 naming the port', async () => {
    const port = setup.ports.get(1002)!;
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const { code, stderr } = await run('peerProcess.js', ['1002'], setup.root);
      expect(code).toBe(5);
      expect(stderr).toContain(`port ${port}`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('under a launcher (an IPC channel open), a port already in use: exit 5 at once with the one-line reason', async () => {
    const port = setup.ports.get(1002)!;
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      // Far below the launcher's 20 s wait for a peer to listen: a peer kept alive by its channel is killed here and fails.
      const { code, stderr } = await runNodeScript(path.join(DIST, 'peerProcess.js'), ['1002'], { cwd: setup.root, killAfterMs: 5_000, ipc: true });
      expect(code).toBe(5);
      expect(stderr).toContain(`peerProcess 1002: port ${port} on 127.0.0.1 is already in use\n`);
      expect(stderr).not.toMatch(/write after end|\bat /);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  test('the flat layout: --peers-dir . --log-dir . from another working directory', async () => {
    const flat = path.join(setup.root, 'flat');
    fs.mkdirSync(path.join(flat, 'peer_1001'), { recursive: true });
    fs.writeFileSync(path.join(flat, 'peer_1001', setup.fileName), Buffer.alloc(1000, 7));
    const args = ['--config-dir', setup.root, '--peers-dir', '.', '--log-dir', '.'];
    const seeder = run('peerProcess.js', ['1001', ...args], flat);
    await waitForLine(path.join(flat, 'log_peer_1001.debug.log'), /listening on port/);
    const leecher = await run('peerProcess.js', ['1002', ...args], flat);
    expect(leecher.code).toBe(0);
    expect((await seeder).code).toBe(0);
    expect(fs.readFileSync(path.join(flat, 'peer_1002', setup.fileName)).equals(Buffer.alloc(1000, 7))).toBe(true);
    expect(fs.readFileSync(path.join(flat, 'log_peer_1002.log'), 'utf8')).toContain('Peer 1002 has downloaded the complete file.');
    expect(fs.readFileSync(path.join(flat, 'log_peer_1002.debug.log'), 'utf8')).toContain('NumberOfPreferredNeighbors=2');
  }, 30_000);
});

describe('swarmlab', () => {
  test('--help lists the swarm command; swarm --help its options', async () => {
    const top = await run('swarmlab.js', ['--help'], import.meta.dirname);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('swarmlab swarm');
    const swarm = await run('swarmlab.js', ['swarm', '--help'], import.meta.dirname);
    expect(swarm.code).toBe(0);
    for (const option of ['--make-file', '--timeout', '--config-dir']) expect(swarm.stdout).toContain(option);
    // Its exit codes, every one it can return.
    const exitCodes = swarm.stdout.replace(/\s+/g, ' ');
    for (const code of ['0 every peer finished', '7 the swarm failed', '2 usage', '3 config error', '4 a seeder', '5 the dashboard', '10 a remote host', '130 interrupted', '1 internal error']) {
      expect(exitCodes).toContain(code);
    }
    expect(exitCodes).toContain('<log-dir>/previous/');
  });

  test('no command or an unknown one is a usage error (2)', async () => {
    expect((await run('swarmlab.js', [], import.meta.dirname)).code).toBe(2);
    expect((await run('swarmlab.js', ['fly'], import.meta.dirname)).code).toBe(2);
  });

  test('with --ssh never, hosts that are not this machine get a clear message', async () => {
    const setup = await makeSwarmDir({ peers: 2, fileSize: 1000, pieceSize: 100 });
    try {
      const file = path.join(setup.root, 'PeerInfo.cfg');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^1002 127\.0\.0\.1/m, '1002 lin114-01.example.edu'));
      const { code, stderr } = await run('swarmlab.js', ['swarm', '--ssh', 'never'], setup.root);
      expect(code).toBe(3);
      expect(stderr).toContain('1002 (lin114-01.example.edu)');
      expect(stderr).toContain('Drop --ssh never to start them over ssh');
    } finally {
      setup.remove();
    }
  });
});


describe('swarmlab make-torrent and torrent-info', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-cli-torrent-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('make-torrent writes a .torrent that torrent-info describes', async () => {
    fs.writeFileSync(path.join(dir, 'data.bin'), Buffer.alloc(100_000, 1));
    const made = await run('swarmlab.js', ['make-torrent', 'data.bin', '--piece-size', '16384', '--announce', 'http://t.example/a', '-o', 'data.torrent'], dir);
    expect(made.code).toBe(0);
    const info = await run('swarmlab.js', ['torrent-info', 'data.torrent'], dir);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/name: +data\.bin/);
    expect(info.stdout).toMatch(/size: +100000 bytes/);
    expect(info.stdout).toMatch(/piece size: +16384 bytes \(last piece 1696\)/);
    expect(info.stdout).toMatch(/pieces: +7/);
    expect(info.stdout).toMatch(/info-hash: +[0-9a-f]{40}/);
    expect(info.stdout).toMatch(/announce: +http:\/\/t\.example\/a/);
  });

  test('torrent-info refuses a malformed file with a clear error and exit 8', async () => {
    fs.writeFileSync(path.join(dir, 'bad.torrent'), 'd4:infod4:name3:a/be');
    const { code, stderr } = await run('swarmlab.js', ['torrent-info', 'bad.torrent'], dir);
    expect(code).toBe(8);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/bad\.torrent: /);
  });

  test('make-torrent of a missing file is a usage error', async () => {
    const { code, stderr } = await run('swarmlab.js', ['make-torrent', 'nothing.bin'], dir);
    expect(code).toBe(2);
    expect(stderr).toContain('nothing.bin');
  });

  test('make-torrent of an empty folder and torrent-info of a folder refuse it in one line, without a stack trace', async () => {
    fs.mkdirSync(path.join(dir, 'folder'));
    const made = await run('swarmlab.js', ['make-torrent', 'folder'], dir);
    expect(made.code).toBe(2);
    expect(made.stderr.trim()).toBe('make-torrent: folder is an empty folder: nothing to share');
    const info = await run('swarmlab.js', ['torrent-info', 'folder'], dir);
    expect(info.code).toBe(8);
    expect(info.stderr.trim()).toBe('torrent-info: folder is a folder, not a file');
  });

  test('make-torrent does not overwrite an existing file without --force', async () => {
    fs.writeFileSync(path.join(dir, 'data.bin'), Buffer.alloc(1000, 1));
    fs.writeFileSync(path.join(dir, 'data.torrent'), 'keep me');
    const refused = await run('swarmlab.js', ['make-torrent', 'data.bin', '-o', 'data.torrent'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toBe('make-torrent: data.torrent exists: pass --force to overwrite it, or -o to write elsewhere');
    expect(fs.readFileSync(path.join(dir, 'data.torrent'), 'utf8')).toBe('keep me');
    const forced = await run('swarmlab.js', ['make-torrent', 'data.bin', '-o', 'data.torrent', '--force'], dir);
    expect(forced.code).toBe(0);
    expect((await run('swarmlab.js', ['torrent-info', 'data.torrent'], dir)).stdout).toMatch(/name: +data\.bin/);
  }, 30_000);
});

describe('peerProcess faults at start-up', () => {
  let setup: SwarmSetup;
  beforeEach(async () => (setup = await makeSwarmDir({ peers: 2, fileSize: 5000, pieceSize: 100 })));
  afterEach(() => setup.remove());

  test('an earlier peer that is not up yet is polled until it listens, and said so once', async () => {
    fs.mkdirSync(path.join(setup.root, 'peers', 'peer_1001'), { recursive: true });
    fs.writeFileSync(path.join(setup.root, 'peers', 'peer_1001', setup.fileName), Buffer.alloc(5000, 3));
    // The leecher first: its dials are refused until the seeder listens.
    const leecher = run('peerProcess.js', ['1002'], setup.root);
    await waitForLine(path.join(setup.root, 'logs', 'log_peer_1002.debug.log'), /peer 1001 .* not listening yet/);
    const seeder = await run('peerProcess.js', ['1001'], setup.root);
    const { code, stdout } = await leecher;
    expect([code, seeder.code]).toEqual([0, 0]);
    expect(stdout.match(/not listening yet/g)).toHaveLength(1);
    expect(stdout).toMatch(/trying every 50 ms for 10 s, then less often/);
    expect(stdout).not.toMatch(/not reachable/);
    expect(fs.readFileSync(path.join(setup.root, 'peers', 'peer_1002', setup.fileName)).equals(Buffer.alloc(5000, 3))).toBe(true);
  }, 30_000);
});

/** Waits (bounded) until the log file the process under test writes shows `pattern`. */
function waitForLine(file: string, pattern: RegExp): Promise<boolean> {
  return eventually(() => fs.existsSync(file) && pattern.test(fs.readFileSync(file, 'utf8')), `${file} to show ${pattern}`, 10_000, 25);
}
