import * as fs from 'fs';
import * as path from 'path';
import { startApiServer, type ApiServer } from '../../src/daemon/api/ApiServer.js';
import type { TorrentSummary } from '../../src/daemon/api/contract.js';
import { makeTorrent } from '../../src/metainfo/makeTorrent.js';
import { ALPHA, BETA, FakeDaemon } from '../support/fakeDaemon.js';
import { knownBytes, makeTempDir, removeTempDir } from '../support/fixtures.js';
import { runNodeScript, type ProcessResult } from '../support/runProcess.js';
import { freePort } from '../support/sockets.js';

const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');
const TOKEN = 'feed'.repeat(16);

let dir: string;
let daemon: FakeDaemon;
let server: ApiServer;
beforeEach(async () => {
  dir = makeTempDir('swarmlab-client-');
  daemon = new FakeDaemon();
  server = await startApiServer({ daemon, port: 0, version: '9.9.9' });
});
afterEach(async () => {
  await server.close();
  removeTempDir(dir);
});

/** swarmlab with --api the test's server (unless given), in the temporary folder, with no token around but what the test gives. */
function swarmlab(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ProcessResult> {
  const api = args.includes('--api') ? [] : ['--api', server.url];
  const environment = { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: path.join(dir, 'data'), ...env };
  return runNodeScript(SWARMLAB, [...args, ...api], { cwd: dir, killAfterMs: 20_000, env: environment });
}

describe('swarmlab add', () => {
  test('a local .torrent is read here and sent in base64; a relative --dir is made absolute from here; --paused', async () => {
    fs.writeFileSync(path.join(dir, 'payload.bin'), knownBytes(40_000));
    const bytes = await makeTorrent(path.join(dir, 'payload.bin'));
    fs.writeFileSync(path.join(dir, 'payload.torrent'), bytes);
    const result = await swarmlab(['add', 'payload.torrent', '--dir', 'into', '--paused']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`added new one ${daemon.addResult.torrent.id} (metadata, in /srv/downloads)\n`);
    expect(daemon.callsOf('add')).toEqual([[{ kind: 'torrent', bytes }, { dir: path.join(dir, 'into'), paused: true }]]);
  });

  test('a magnet link and a URL are sent as they are; one already there says so and exits 0', async () => {
    daemon.addResult = { added: false, torrent: ALPHA };
    const magnet = `magnet:?xt=urn:btih:${ALPHA.id}&dn=alpha`;
    const result = await swarmlab(['add', magnet]);
    expect(result).toMatchObject({ code: 0, stdout: `already there: alpha.iso ${ALPHA.id} (downloading, in /srv/downloads)\n` });
    expect((await swarmlab(['add', 'https://example.org/a.torrent'])).code).toBe(0);
    expect(daemon.callsOf('add')).toEqual([
      [{ kind: 'magnet', link: magnet }, {}],
      [{ kind: 'url', url: 'https://example.org/a.torrent' }, {}],
    ]);
  });

  test('a missing or malformed .torrent exits 8 naming the file, without asking the daemon', async () => {
    const missing = await swarmlab(['add', 'nowhere.torrent']);
    expect(missing).toMatchObject({ code: 8, stdout: '' });
    expect(missing.stderr).toBe('add: nowhere.torrent: no such file\n');
    fs.writeFileSync(path.join(dir, 'bad.torrent'), 'not bencode');
    const bad = await swarmlab(['add', 'bad.torrent']);
    expect(bad.code).toBe(8);
    expect(bad.stderr).toMatch(/^add: bad\.torrent: /);
    expect(daemon.callsOf('add')).toEqual([]);
  });

  test("the daemon's refusal exits 13 with its message and the daemon's URL", async () => {
    const result = await swarmlab(['add', 'magnet:nothing']);
    expect(result.code).toBe(13);
    expect(result.stderr).toBe(`add: the daemon at ${server.url} refused: magnet must be a magnet link (magnet:?xt=urn:btih:...), not "magnet:nothing"\n`);
  });
});

describe('swarmlab ls', () => {
  test('a table: id prefix, name (escaped), state, progress, size, rates, peers', async () => {
    const result = await swarmlab(['ls']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['ID', 'NAME', 'STATE', 'DONE', 'SIZE', 'DOWN', 'UP', 'PEERS']);
    expect(lines[2].split(/\s{2,}/)).toEqual(['ab12c3d4', 'alpha.iso', 'downloading', '25.0%', '4.0 MiB', '200.0 KiB/s', '10.0 KiB/s', '5 (2 seeds)']);
    expect(lines[3].split(/\s{2,}/)).toEqual(['ab12ffee', 'beta "quoted"\\x0aname', 'seeding', '100%', '1000 B', '0 B/s', '0 B/s', '0 (0 seeds)']);
  });

  test('--json: each torrent with its infoHash, progress from 0 to 1 and rates', async () => {
    const result = await swarmlab(['ls', '--json']);
    expect(result.code).toBe(0);
    const listed = JSON.parse(result.stdout) as TorrentSummary[];
    expect(listed).toEqual([ALPHA, BETA]);
    expect(listed.map((t) => t.infoHash)).toEqual([ALPHA.id, BETA.id]);
  });

  test('no torrents says how to add one', async () => {
    daemon.torrents = [];
    expect((await swarmlab(['ls'])).stdout).toBe('no torrents (add one: swarmlab add FILE|MAGNET|URL)\n');
  });

  test('no daemon at --api exits 12 with a line that names it', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const result = await swarmlab(['ls', '--api', url]);
    expect(result).toMatchObject({ code: 12, stdout: '' });
    expect(result.stderr).toBe(`ls: cannot reach the daemon at ${url} (ECONNREFUSED): is \`swarmlab daemon\` running?\n`);
  });

  test('an --api that is not a URL is a usage error', async () => {
    const result = await swarmlab(['ls', '--api', '127.0.0.1:9881']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--api takes the daemon's URL, such as http://127.0.0.1:9881, got '127.0.0.1:9881'");
  });
});

describe('swarmlab pause, resume, recheck, rm', () => {
  test.each([
    ['pause', 'paused'],
    ['resume', 'downloading'],
    ['recheck', 'checking'],
  ])('%s ID prints the new state', async (action, state) => {
    const result = await swarmlab([action, 'ab12c']);
    expect(result).toMatchObject({ code: 0, stdout: `alpha.iso ab12c3d4: ${state}\n`, stderr: '' });
    expect(daemon.callsOf(action as 'pause')).toEqual([['ab12c']]);
  });

  test('an ambiguous prefix exits 13 with the daemon\'s reason; an unknown id too', async () => {
    const ambiguous = await swarmlab(['pause', 'ab12']);
    expect(ambiguous).toMatchObject({ code: 13, stdout: '' });
    expect(ambiguous.stderr).toBe(`pause: the daemon at ${server.url} refused: ab12 is the start of 2 torrents' ids: give more of it\n`);
    expect((await swarmlab(['rm', 'ffff'])).code).toBe(13);
  });

  test('rm keeps the files unless --delete-data', async () => {
    expect((await swarmlab(['rm', 'ab12c'])).stdout).toBe('removed ab12c\n');
    expect((await swarmlab(['rm', BETA.id, '--delete-data'])).stdout).toBe(`removed ${BETA.id} and deleted its files\n`);
    expect(daemon.callsOf('remove')).toEqual([['ab12c', { deleteData: false }], [BETA.id, { deleteData: true }]]);
  });

  test('--help says what the id is and the exit codes; --version prints the version', async () => {
    const help = await swarmlab(['rm', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--delete-data');
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('12 no daemon answers at --api, 13 the daemon refused');
    const version = await swarmlab(['pause', '--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')).version}\n` });
  });
});

describe('the token', () => {
  beforeEach(async () => {
    await server.close();
    server = await startApiServer({ daemon, port: 0, version: '9.9.9', token: TOKEN });
  });

  test('none: the daemon refuses, exit 13, and the message says how to give one', async () => {
    const result = await swarmlab(['ls']);
    expect(result.code).toBe(13);
    expect(result.stderr).toContain('this API needs its token: send Authorization: Bearer TOKEN (swarmlab commands take --token or SWARMLAB_TOKEN)');
  });

  test('from --token, from SWARMLAB_TOKEN, or from the token file in the default data folder', async () => {
    expect((await swarmlab(['ls', '--token', TOKEN])).code).toBe(0);
    expect((await swarmlab(['ls'], { SWARMLAB_TOKEN: TOKEN })).code).toBe(0);
    fs.mkdirSync(path.join(dir, 'data', 'swarmlab'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'data', 'swarmlab', 'api-token'), `${TOKEN}\n`);
    expect((await swarmlab(['ls'])).code).toBe(0);
    expect((await swarmlab(['ls', '--token', 'wrong'])).code).toBe(13);
  });
});
