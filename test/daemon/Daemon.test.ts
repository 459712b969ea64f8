/**
 * The daemon's core over real sockets on 127.0.0.1: two daemons in this
 * process (one seeding, one downloading) and our tracker. Adding, the life
 * cycle, duplicates, bad input, id prefixes, and a restart that brings every
 * torrent back as it was.
 */
import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Daemon } from '../../src/daemon/Daemon.js';
import { dataPaths } from '../../src/daemon/paths.js';
import { inProcessDaemonOptions } from '../support/daemonProcess.js';
import { eventually } from '../support/polling.js';
import { multiFileFixture, sameTree, singleFileFixture, type TorrentFixture } from '../support/realClients/torrentFixtures.js';
import { startLocalTracker, type LocalTracker } from '../support/realClients/localTracker.js';
import { freePort } from '../support/sockets.js';

const WAIT_MS = 20_000;
jest.setTimeout(60_000);

let root: string;
let tracker: LocalTracker;
const open: Daemon[] = [];

beforeEach(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-daemon-'));
  tracker = await startLocalTracker();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((daemon) => daemon.close()));
  await tracker.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

async function startDaemon(name: string, peerPort?: number): Promise<{ daemon: Daemon; dataDir: string; peerPort: number }> {
  const dataDir = path.join(root, name);
  const port = peerPort ?? (await freePort());
  const daemon = await Daemon.open(inProcessDaemonOptions(dataDir, port));
  open.push(daemon);
  return { daemon, dataDir, peerPort: port };
}

async function closeDaemon(daemon: Daemon): Promise<void> {
  open.splice(open.indexOf(daemon), 1);
  await daemon.close();
}

const torrentBytes = (fixture: TorrentFixture) => fs.readFileSync(fixture.torrent);

test('a torrent added to a seeding daemon and to a downloading one is copied whole; the pieces are verified, the session file lists both', async () => {
  const fixture = await multiFileFixture(root, tracker.announceUrl);
  const seeder = await startDaemon('seeder');
  const leecher = await startDaemon('leecher');
  const seeded = await seeder.daemon.add({ kind: 'torrent', bytes: torrentBytes(fixture) }, { dir: fixture.seedDir });
  expect(seeded.added).toBe(true);
  await eventually(() => seeder.daemon.list()[0].state === 'seeding', 'the seeder to check its files and seed', WAIT_MS);
  expect(seeder.daemon.list()[0].progress).toBe(1);

  const into = path.join(root, 'downloads');
  const { torrent } = await leecher.daemon.add({ kind: 'torrent', bytes: torrentBytes(fixture) }, { dir: into });
  expect(torrent).toMatchObject({ infoHash: seeded.torrent.infoHash, name: 'multi', dir: into });
  await eventually(() => leecher.daemon.list()[0].state === 'seeding', () => `the download to finish (${JSON.stringify(leecher.daemon.list()[0])})`, WAIT_MS);
  await sameTree(fixture.original, path.join(into, fixture.name));

  const detail = leecher.daemon.get(torrent.id.slice(0, 6));
  expect(detail.files.map((file) => [file.path, file.doneBytes === file.sizeBytes])).toEqual([
    ['multi/a/b/c.bin', true],
    ['multi/a/b/d.bin', true],
    ['multi/a/e.txt', true],
    ['multi/a/f.bin', true],
    ['multi/a/g.bin', true],
    ['multi/z.bin', true],
  ]);
  expect(detail.pieces).toMatch(/^f+[0-9a-f]?0*$/);
  expect(detail.trackers).toEqual([expect.objectContaining({ url: tracker.announceUrl, tier: 0 })]);
  const session = JSON.parse(fs.readFileSync(dataPaths(leecher.dataDir).session, 'utf8'));
  expect(session.torrents).toEqual([{ infoHash: torrent.id, dir: into, paused: false, addedAtMs: torrent.addedAtMs }]);
  expect(fs.existsSync(path.join(dataPaths(leecher.dataDir).torrents, `${torrent.id}.torrent`))).toBe(true);
});

test('adding paused announces nothing and opens nothing; resume starts it, pause stops it and keeps its pieces', async () => {
  const fixture = await singleFileFixture(root, tracker.announceUrl);
  const { daemon, peerPort } = await startDaemon('one');
  const { torrent } = await daemon.add({ kind: 'torrent', bytes: torrentBytes(fixture) }, { dir: fixture.seedDir, paused: true });
  expect(torrent).toMatchObject({ state: 'paused', progress: 0, sizeBytes: fs.statSync(fixture.original).size });
  expect(tracker.eventsOf(peerPort)).toEqual([]);

  await daemon.resume(torrent.id);
  await eventually(() => daemon.list()[0].state === 'seeding', 'the check of the files on disk', WAIT_MS);
  await eventually(() => tracker.eventsOf(peerPort).includes('started'), 'the tracker to hear `started`', WAIT_MS);
  await eventually(() => daemon.get(torrent.id).trackers[0].status === 'working', 'the tracker\'s answer to come back', WAIT_MS);
  const paused = await daemon.pause(torrent.id);
  expect(paused).toMatchObject({ state: 'paused', progress: 1, peers: 0 });
  await eventually(() => tracker.eventsOf(peerPort).includes('stopped'), 'the tracker to hear `stopped`', WAIT_MS);
});

test('a restart brings every torrent back in the state it had, without hashing what the resume state vouches for', async () => {
  const single = await singleFileFixture(root, tracker.announceUrl);
  const multi = await multiFileFixture(path.join(root, 'm'), tracker.announceUrl);
  const first = await startDaemon('data');
  const seeding = (await first.daemon.add({ kind: 'torrent', bytes: torrentBytes(single) }, { dir: single.seedDir })).torrent;
  const paused = (await first.daemon.add({ kind: 'torrent', bytes: torrentBytes(multi) }, { dir: multi.seedDir })).torrent;
  await eventually(() => first.daemon.list().every((t) => t.state === 'seeding'), 'both to seed', WAIT_MS);
  await first.daemon.pause(paused.id);
  await first.daemon.updateSettings({ limits: { downloadRate: 1_000_000 }, peerLimits: { uploadRate: 100_000 }, firstRun: false });
  expect((await first.daemon.updateTorrent(seeding.id, { limits: { uploadRate: 250_000 } })).limits).toEqual({ downloadRate: null, uploadRate: 250_000 });
  await expect(first.daemon.updateTorrent(seeding.id, { limits: { uploadRate: -1 } })).rejects.toMatchObject({ kind: 'bad-input' });
  await closeDaemon(first.daemon);

  const again = await startDaemon('data', first.peerPort);
  const byId = new Map(again.daemon.list().map((t) => [t.id, t]));
  // The paused one knows its pieces from the resume state alone; the other seeds again with nothing rehashed.
  expect(byId.get(paused.id)).toMatchObject({ state: 'paused', progress: 1 });
  await eventually(() => again.daemon.get(seeding.id).state === 'seeding', 'the seeding torrent to come back', WAIT_MS);
  expect(again.daemon.info()).toMatchObject({ firstRun: false, limits: { downloadRate: 1_000_000, uploadRate: null }, peerLimits: { downloadRate: null, uploadRate: 100_000 } });
  expect(again.daemon.get(seeding.id).limits).toEqual({ downloadRate: null, uploadRate: 250_000 });
  expect(again.daemon.get(paused.id).limits).toEqual({ downloadRate: null, uploadRate: null });
});

test('the same torrent twice is one torrent, and the answer says so; a bad .torrent or magnet link is refused with why', async () => {
  const fixture = await singleFileFixture(root, tracker.announceUrl);
  const { daemon } = await startDaemon('one');
  const first = await daemon.add({ kind: 'torrent', bytes: torrentBytes(fixture) }, { dir: fixture.seedDir, paused: true });
  const second = await daemon.add({ kind: 'magnet', link: `magnet:?xt=urn:btih:${first.torrent.id}` }, { paused: true });
  expect(second).toEqual({ added: false, torrent: first.torrent });
  expect(daemon.list()).toHaveLength(1);

  await expect(daemon.add({ kind: 'torrent', bytes: Buffer.from('d4:infoi1ee') }, {})).rejects.toMatchObject({ kind: 'bad-input' });
  await expect(daemon.add({ kind: 'magnet', link: 'magnet:?dn=nothing' }, {})).rejects.toMatchObject({ kind: 'bad-input', message: expect.stringMatching(/xt/) });
  await expect(daemon.add({ kind: 'magnet', link: `magnet:?xt=urn:btih:${'1'.repeat(40)}` }, { dir: 'relative/dir' })).rejects.toMatchObject({ kind: 'bad-input', message: expect.stringContaining('absolute') });
  expect(daemon.list()).toHaveLength(1);
});

test('ids: a unique prefix finds a torrent, an unknown one is not found, one shared by two is ambiguous', async () => {
  const { daemon } = await startDaemon('one');
  // Two magnet links whose info-hashes share their first 39 hex digits.
  const hashes = ['a'.repeat(39) + '1', 'a'.repeat(39) + '2'];
  for (const hash of hashes) await daemon.add({ kind: 'magnet', link: `magnet:?xt=urn:btih:${hash}&dn=x` }, { paused: true });
  expect(daemon.get(hashes[1].slice(0, 40)).id).toBe(hashes[1]);
  expect(() => daemon.get('aaaa')).toThrow(expect.objectContaining({ kind: 'ambiguous' }));
  expect(() => daemon.get('b')).toThrow(expect.objectContaining({ kind: 'not-found' }));
  expect(daemon.get(hashes[0].toUpperCase())).toMatchObject({ state: 'paused', name: 'x', sizeBytes: null, progress: 0 });
});

test('remove with its data deletes its files and the folders it made, and nothing else; without, the files stay', async () => {
  const fixture = await multiFileFixture(root, tracker.announceUrl);
  const other = path.join(fixture.seedDir, 'multi', 'a', 'mine.txt');
  fs.writeFileSync(other, 'not the torrent\'s');
  const { daemon, dataDir } = await startDaemon('one');
  const { torrent } = await daemon.add({ kind: 'torrent', bytes: torrentBytes(fixture) }, { dir: fixture.seedDir });
  await eventually(() => daemon.list()[0]?.state === 'seeding', 'it to seed', WAIT_MS);
  await daemon.remove(torrent.id, { deleteData: true });
  expect(daemon.list()).toEqual([]);
  expect(fs.readdirSync(path.join(fixture.seedDir, 'multi'), { recursive: true }).sort()).toEqual(['a', path.join('a', 'mine.txt')]);
  expect(fs.readdirSync(dataPaths(dataDir).torrents)).toEqual([]);
  expect(fs.readdirSync(dataPaths(dataDir).resume)).toEqual([]);

  const single = await singleFileFixture(path.join(root, 's'), tracker.announceUrl);
  const kept = await daemon.add({ kind: 'torrent', bytes: torrentBytes(single) }, { dir: single.seedDir, paused: true });
  await daemon.remove(kept.torrent.id, { deleteData: false });
  expect(fs.existsSync(single.original)).toBe(true);
});

test('a torrent over files that are not all there starts checking, then downloads; an unreadable .torrent copy at restart is an error state that names it', async () => {
  const fixture = await singleFileFixture(root, tracker.announceUrl);
  const { daemon, dataDir, peerPort } = await startDaemon('one');
  const into = path.join(root, 'empty');
  const { torrent } = await daemon.add({ kind: 'torrent', bytes: fs.readFileSync(fixture.torrent) }, { dir: into });
  await eventually(() => daemon.list()[0].state === 'downloading', 'it to download (no seed anywhere)', WAIT_MS);
  await closeDaemon(daemon);
  fs.writeFileSync(path.join(dataPaths(dataDir).torrents, `${torrent.id}.torrent`), 'garbage');
  const again = await startDaemon('one', peerPort);
  expect(again.daemon.list()[0]).toMatchObject({ state: 'error', error: expect.stringContaining(`${torrent.id}.torrent`) });
});

test('a file is read by range from a torrent that holds it; a paused one that lacks the range says so; no such file is not found', async () => {
  const fixture = await multiFileFixture(root, tracker.announceUrl);
  const { daemon } = await startDaemon('one');
  const { torrent } = await daemon.add({ kind: 'torrent', bytes: torrentBytes(fixture) }, { dir: fixture.seedDir });
  await eventually(() => daemon.list()[0].state === 'seeding', 'it to seed', WAIT_MS);
  const file = daemon.file(torrent.id, 4);
  expect(file).toMatchObject({ path: 'multi/a/g.bin', size: 1_500_017 });
  const chunks: Buffer[] = [];
  await file.read(100_000, 999_999, async (chunk) => void chunks.push(Buffer.from(chunk)), new AbortController().signal);
  expect(Buffer.concat(chunks).equals(fs.readFileSync(path.join(fixture.original, 'a', 'g.bin')).subarray(100_000, 1_000_000))).toBe(true);
  expect(() => daemon.file(torrent.id, 99)).toThrow(expect.objectContaining({ kind: 'not-found' }));

  const empty = path.join(root, 'nothing-here');
  const other = await daemon.add({ kind: 'torrent', bytes: fs.readFileSync((await singleFileFixture(path.join(root, 's'), tracker.announceUrl)).torrent) }, { dir: empty, paused: true });
  await expect(daemon.file(other.torrent.id, 0).read(0, 9, async () => undefined, new AbortController().signal)).rejects.toMatchObject({ kind: 'conflict', message: expect.stringContaining('paused') });
});

test('a skipped file is not downloaded and the rest is, which counts as done; priorities and first-and-last-first are kept over a restart', async () => {
  const fixture = await multiFileFixture(root, tracker.announceUrl);
  const seeder = await startDaemon('seeder');
  await seeder.daemon.add({ kind: 'torrent', bytes: torrentBytes(fixture) }, { dir: fixture.seedDir });
  await eventually(() => seeder.daemon.list()[0].state === 'seeding', 'the seeder to seed', WAIT_MS);
  const leecher = await startDaemon('leecher');
  const into = path.join(root, 'partial');
  // Paused first: the priorities are set before a single piece is asked for.
  const { torrent } = await leecher.daemon.add({ kind: 'torrent', bytes: torrentBytes(fixture) }, { dir: into, paused: true });
  // g.bin (file 4) is skipped; its first and last pieces are shared with f.bin and z.bin, which are wanted.
  const page = await leecher.daemon.updateTorrent(torrent.id, { files: [{ index: 4, priority: 'skip' }, { index: 5, priority: 'high' }], firstAndLastFirst: true });
  expect(page.files.map((file) => file.priority)).toEqual(['normal', 'normal', 'normal', 'normal', 'skip', 'high']);
  expect(page.firstAndLastFirst).toBe(true);
  await expect(leecher.daemon.updateTorrent(torrent.id, { files: [{ index: 9, priority: 'low' }] })).rejects.toMatchObject({ kind: 'not-found' });
  await leecher.daemon.resume(torrent.id);

  await eventually(() => leecher.daemon.list()[0].state === 'seeding', () => `the wanted files to be in (${JSON.stringify(leecher.daemon.list()[0])})`, WAIT_MS);
  const done = leecher.daemon.get(torrent.id);
  expect(done.progress).toBe(1);
  const byPath = new Map(done.files.map((file) => [file.path, file]));
  for (const name of ['a/b/c.bin', 'a/b/d.bin', 'a/f.bin', 'z.bin']) {
    expect(byPath.get(`multi/${name}`)!.doneBytes).toBe(byPath.get(`multi/${name}`)!.sizeBytes);
    expect(fs.readFileSync(path.join(into, 'multi', name)).equals(fs.readFileSync(path.join(fixture.original, name)))).toBe(true);
  }
  const skipped = byPath.get('multi/a/g.bin')!;
  // Only the pieces it shares with wanted files: its first (with f.bin) and its last (with z.bin).
  expect(skipped.doneBytes).toBeLessThan(2 * 32 * 1024);
  expect(skipped).toMatchObject({ pieceCount: 47, piecesHeld: 2 });
  expect(byPath.get('multi/z.bin')).toMatchObject({ pieceCount: 25, piecesHeld: 25 });
  expect(done.pieces).not.toMatch(/^f+$/);

  const { peerPort } = leecher;
  await closeDaemon(leecher.daemon);
  const again = await startDaemon('leecher', peerPort);
  const back = again.daemon.get(torrent.id);
  expect(back.files.map((file) => file.priority)).toEqual(['normal', 'normal', 'normal', 'normal', 'skip', 'high']);
  expect(back.firstAndLastFirst).toBe(true);
  await eventually(() => again.daemon.list()[0].state === 'seeding', 'it to come back done', WAIT_MS);
});

test('recheck hashes the files again: a byte changed behind its back loses its piece, which is fetched again', async () => {
  const fixture = await singleFileFixture(root, tracker.announceUrl);
  const seeder = await startDaemon('seeder');
  await seeder.daemon.add({ kind: 'torrent', bytes: torrentBytes(fixture) }, { dir: fixture.seedDir });
  const leecher = await startDaemon('leecher');
  const into = path.join(root, 'copy');
  const { torrent } = await leecher.daemon.add({ kind: 'torrent', bytes: torrentBytes(fixture) }, { dir: into });
  await eventually(() => leecher.daemon.list()[0].state === 'seeding', 'the download to finish', WAIT_MS);
  // The copy is paused, so it stays broken until the recheck has seen it.
  await leecher.daemon.pause(torrent.id);
  const copy = path.join(into, fixture.name);
  const handle = fs.openSync(copy, 'r+');
  fs.writeSync(handle, Buffer.from([0xff ^ fs.readFileSync(copy)[70_000]]), 0, 1, 70_000);
  fs.closeSync(handle);
  await leecher.daemon.recheck(torrent.id);
  await eventually(() => leecher.daemon.get(torrent.id).pieces.startsWith('bf'), () => `piece 1 to be lost (${leecher.daemon.get(torrent.id).pieces.slice(0, 4)})`, WAIT_MS);
  expect(leecher.daemon.list()[0]).toMatchObject({ state: 'paused' });
  await leecher.daemon.resume(torrent.id);
  await eventually(() => leecher.daemon.list()[0].state === 'seeding', 'piece 1 to be fetched again', WAIT_MS);
  expect(fs.readFileSync(copy).equals(fs.readFileSync(fixture.original))).toBe(true);
});

test('a magnet link added paused is kept over a restart, named by its dn, and fetches its metadata once resumed', async () => {
  const first = await startDaemon('magnets');
  const hash = 'c'.repeat(40);
  await first.daemon.add({ kind: 'magnet', link: `magnet:?xt=urn:btih:${hash}&dn=kept%20name` }, { paused: true });
  await closeDaemon(first.daemon);
  const again = await startDaemon('magnets', first.peerPort);
  expect(again.daemon.list()).toEqual([expect.objectContaining({ id: hash, name: 'kept name', state: 'paused', sizeBytes: null })]);
  await again.daemon.resume(hash);
  expect(again.daemon.list()[0].state).toBe('metadata');
});

test('paused mid-download it keeps its peers\' bitfields; removing it with its data while it downloads stops its writes, deletes its files and leaves the daemon running', async () => {
  const fixture = await singleFileFixture(root, tracker.announceUrl);
  const seeder = await startDaemon('seeder');
  await seeder.daemon.add({ kind: 'torrent', bytes: torrentBytes(fixture) }, { dir: fixture.seedDir });
  const leecher = await startDaemon('leecher');
  await leecher.daemon.updateSettings({ limits: { downloadRate: 256 * 1024 } });
  const into = path.join(root, 'going');
  const { torrent } = await leecher.daemon.add({ kind: 'torrent', bytes: torrentBytes(fixture) }, { dir: into });
  await eventually(() => leecher.daemon.list()[0].doneBytes > 0, 'some pieces to be written', WAIT_MS);
  // Paused, its page still lists the peer it had and what it held; resumed, it goes on.
  await leecher.daemon.pause(torrent.id);
  expect(leecher.daemon.peers(torrent.id)).toEqual([expect.objectContaining({ address: `127.0.0.1:${seeder.peerPort}`, progress: 1, flags: '', downloadRate: 0 })]);
  await leecher.daemon.resume(torrent.id);
  await eventually(() => leecher.daemon.peers(torrent.id)[0]?.flags.includes('D'), () => `the seeder to send again (${JSON.stringify(leecher.daemon.peers(torrent.id))})`, WAIT_MS);
  await leecher.daemon.remove(torrent.id, { deleteData: true });
  expect(leecher.daemon.list()).toEqual([]);
  // remove() resolves once the writes under way have ended and the files are gone.
  expect(fs.readdirSync(into)).toEqual([]);
  expect((await leecher.daemon.add({ kind: 'torrent', bytes: torrentBytes(fixture) }, { dir: into, paused: true })).added).toBe(true);
});

test('a session whose kept magnet link is unusable brings that torrent back in the error state; an unusable session file stops the start, naming it', async () => {
  const dataDir = path.join(root, 'edited');
  fs.mkdirSync(dataDir, { recursive: true });
  const session = { format: 'swarmlab-session', version: 1, torrents: [{ infoHash: 'd'.repeat(40), dir: '/d', paused: false, addedAtMs: 1, magnet: 'magnet:?dn=no-hash' }] };
  fs.writeFileSync(dataPaths(dataDir).session, JSON.stringify(session));
  const { daemon, peerPort } = await startDaemon('edited');
  expect(daemon.list()).toEqual([expect.objectContaining({ id: 'd'.repeat(40), state: 'error', error: expect.stringContaining('no usable magnet link') })]);
  await closeDaemon(daemon);
  fs.writeFileSync(dataPaths(dataDir).session, '{"format":"swarmlab-session"');
  await expect(startDaemon('edited', peerPort)).rejects.toThrow(`${dataPaths(dataDir).session}: is not valid JSON`);
});
