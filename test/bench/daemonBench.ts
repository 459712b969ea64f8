import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { setTimeout as sleep } from 'timers/promises';
import type { ApiClient } from '../../src/daemon/api/ApiClient.js';
import type { TorrentSummary } from '../../src/daemon/api/contract.js';
import { formatBytes } from '../../src/launcher/format.js';
import { writeRandomFile } from '../../src/launcher/seedFiles.js';
import { makeTorrent } from '../../src/metainfo/makeTorrent.js';
import { startDaemonProcess, type RunningDaemon } from '../support/daemonProcess.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';
import { startLocalTracker } from '../support/realClients/localTracker.js';
import { watchProcess } from '../support/realClients/processUsage.js';
import { runProcess } from '../support/runProcess.js';
import { describeStates, expectedOf, restart, type RestartFigures } from './daemonRestart.js';
import { spreadOf, type Spread } from './testbedFigures.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** /proc is read this often while a window is measured. */
const SAMPLE_EVERY_MS = 100;
/** The resident set is read this often in an idle window. */
const RSS_EVERY_MS = 500;
const SEEDER_READY_MS = 300_000;
const DOWNLOAD_MS = 300_000;
/** From the issue: a daemon with 100 torrents in its session is up in under 1 s, with nothing rehashed. */
const TARGET_START_MS = 1_000;

export interface DaemonBenchShape {
  torrents: number;
  /** Of them, started (the rest stay paused). */
  active: number;
  fileBytes: number;
  pieceSize: number;
  /** Waited after the downloads before the idle window, so that the last connections and announces settle. */
  settleSeconds: number;
  idleSeconds: number;
  /** Restarts measured one after another (each a stop and a start); also the empty daemon's starts. */
  restarts: number;
}

/** The issue's daemon: 100 torrents of 4 MiB (64 pieces of 64 KiB each), 10 of them downloading. */
export const ISSUE_SHAPE: DaemonBenchShape = { torrents: 100, active: 10, fileBytes: 4 * MIB, pieceSize: 64 * 1024, settleSeconds: 5, idleSeconds: 10, restarts: 3 };

export interface IdleFigures {
  seconds: number;
  /** CPU time over the window's wall time: 1 is one core busy. */
  coresBusy: number;
  rssBytes: Spread;
}

export interface DownloadFigures {
  seconds: number;
  bytes: number;
  mebibytesPerSecond: number;
  cpuSecondsPerGib: number;
  /** VmHWM: the process's peak resident set from its start to the end of the downloads. */
  peakRssBytes: number;
  /** Every downloaded file equals its original, byte for byte. */
  verified: boolean;
}

export interface DaemonBenchFigures {
  title: string;
  loadAverageAtStart: number;
  shape: DaemonBenchShape;
  /** The seeder daemon: from its start to every torrent added, checked and seeding. */
  seederReadySeconds: number;
  /** The daemon under test: every torrent added paused through the API, one request after the other. */
  addAllMs: number;
  idleAllPaused: IdleFigures;
  download: DownloadFigures;
  idleSeeding: IdleFigures;
  /** For the breakdown: `node -e 0` from spawn to exit (node's own start), and an empty daemon from spawn to its API line. */
  nodeMs: Spread;
  emptyStartMs: Spread;
  restarts: RestartFigures[];
  startMs: Spread;
  noRehash: boolean;
  targetMet: boolean;
}

interface Made {
  name: string;
  torrent: Buffer;
}

/**
 * The daemon with many torrents (the issue: 100, 10 active): its memory and
 * CPU with all of them paused, while the active ones download from a second
 * daemon (seeding all of them, through our tracker), and idle once they seed;
 * then its restart: from the spawn to the API listing every torrent as it
 * was, with nothing rehashed (no torrent ever seen 'checking', and its debug
 * log says every started torrent's files were resumed).
 */
export async function daemonBench(shape: DaemonBenchShape = ISSUE_SHAPE): Promise<DaemonBenchFigures> {
  const loadAverageAtStart = os.loadavg()[0];
  const root = makeTempDir('swarmlab-daemon-bench-');
  const tracker = await startLocalTracker();
  const running: RunningDaemon[] = [];
  try {
    const content = path.join(root, 'content');
    const made = await makeTorrents(content, shape, tracker.announceUrl);

    const seederStart = performance.now();
    const seeder = await startDaemonProcess({ dataDir: path.join(root, 'seeder') });
    running.push(seeder);
    for (const { torrent } of made) await seeder.api.add({ torrent: torrent.toString('base64'), dir: content });
    await untilEvery(seeder.api, () => true, 'seeding', 'the seeder daemon to check and seed every torrent', SEEDER_READY_MS);
    const seederReadySeconds = (performance.now() - seederStart) / 1000;

    const dataDir = path.join(root, 'daemon');
    const downloads = path.join(root, 'downloads');
    let daemon = await startDaemonProcess({ dataDir });
    running.push(daemon);
    const { pid } = daemon.process;
    const life = watchProcess(pid, SAMPLE_EVERY_MS);
    const adding = performance.now();
    const added: TorrentSummary[] = [];
    for (const { torrent } of made) added.push((await daemon.api.add({ torrent: torrent.toString('base64'), dir: downloads, paused: true })).torrent);
    const addAllMs = performance.now() - adding;
    const idleAllPaused = await idle(pid, shape.idleSeconds);

    const active = new Set(added.slice(0, shape.active).map((t) => t.id));
    const window = watchProcess(pid, SAMPLE_EVERY_MS);
    const downloading = performance.now();
    for (const id of active) await daemon.api.act(id, 'resume');
    await untilEvery(daemon.api, (t) => active.has(t.id), 'seeding', `the ${active.size} active torrents to download`, DOWNLOAD_MS);
    const seconds = (performance.now() - downloading) / 1000;
    const used = window.stop();
    const bytes = active.size * shape.fileBytes;
    const download: DownloadFigures = {
      seconds,
      bytes,
      mebibytesPerSecond: bytes / MIB / seconds,
      cpuSecondsPerGib: used.cpuSecondsWhileWatched / (bytes / GIB),
      peakRssBytes: life.stop().peakRssBytes,
      verified: made.slice(0, shape.active).every(({ name }) => fs.readFileSync(path.join(downloads, name)).equals(fs.readFileSync(path.join(content, name)))),
    };
    await sleep(shape.settleSeconds * 1000);
    const idleSeeding = await idle(pid, shape.idleSeconds);

    // Each restart comes after its references for the breakdown, so that a busy moment of the machine skews them alike.
    const restarts: RestartFigures[] = [];
    const references = { nodeMs: [] as number[], emptyStartMs: [] as number[] };
    for (let i = 0; i < shape.restarts; i++) {
      references.nodeMs.push(await timeToExit(['-e', '0']));
      references.emptyStartMs.push(await emptyStart(path.join(root, `empty-${i}`)));
      const expected = expectedOf(await daemon.api.list());
      const next = await restart(daemon, dataDir, expected);
      running[running.indexOf(daemon)] = next.daemon;
      daemon = next.daemon;
      restarts.push(next.figures);
    }
    const startMs = spreadOf(restarts.map((r) => r.toListedMs));
    // Both witnesses: the debug log (how each store opened) and the list (a torrent whose resume state is trusted is never shown checking).
    const noRehash = restarts.every((r) => r.checkingSeen === 0 && r.openings.resumed === shape.active && r.openings.fresh === 0 && r.openings.rechecked.length === 0);
    const figures: DaemonBenchFigures = {
      title: `swarmlab daemon with ${shape.torrents} torrents of ${formatBytes(shape.fileBytes)} (${shape.active} active, ${formatBytes(shape.pieceSize)} pieces, our tracker, a second daemon seeding) on 127.0.0.1`,
      loadAverageAtStart,
      shape,
      seederReadySeconds,
      addAllMs,
      idleAllPaused,
      download,
      idleSeeding,
      nodeMs: spreadOf(references.nodeMs),
      emptyStartMs: spreadOf(references.emptyStartMs),
      restarts,
      startMs,
      noRehash,
      targetMet: noRehash && download.verified && startMs.max < TARGET_START_MS,
    };
    print(figures);
    return figures;
  } finally {
    for (const daemon of running) await daemon.process.stop();
    await tracker.stop();
    removeTempDir(root);
  }
}

/** `torrents` files of random bytes in `dir`, and a .torrent for each announcing to our tracker. */
async function makeTorrents(dir: string, shape: DaemonBenchShape, announceUrl: string): Promise<Made[]> {
  fs.mkdirSync(dir, { recursive: true });
  const made: Made[] = [];
  for (let i = 0; i < shape.torrents; i++) {
    const name = `file-${String(i).padStart(3, '0')}.bin`;
    await writeRandomFile(path.join(dir, name), shape.fileBytes);
    made.push({ name, torrent: await makeTorrent(path.join(dir, name), { pieceSize: shape.pieceSize, trackers: [[announceUrl]] }) });
  }
  return made;
}

/** Waits until every torrent that `which` picks is in `state`. */
async function untilEvery(api: ApiClient, which: (t: TorrentSummary) => boolean, state: TorrentSummary['state'], what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const torrents = await api.list();
    if (torrents.filter(which).every((t) => t.state === state)) return;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}: ${describeStates(torrents)}`);
    await sleep(SAMPLE_EVERY_MS);
  }
}

/** The daemon's CPU and resident memory over `seconds` of nothing asked of it. */
async function idle(pid: number, seconds: number): Promise<IdleFigures> {
  const watch = watchProcess(pid, SAMPLE_EVERY_MS);
  const rss: number[] = [];
  for (let waited = 0; waited < seconds * 1000; waited += RSS_EVERY_MS) {
    await sleep(RSS_EVERY_MS);
    rss.push(residentBytes(pid));
  }
  return { seconds, coresBusy: watch.stop().cpuSecondsWhileWatched / seconds, rssBytes: spreadOf(rss) };
}

/** VmRSS: the resident set now (processUsage's VmHWM is the peak). */
function residentBytes(pid: number): number {
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kib === undefined) throw new Error(`process ${pid} has no resident set: it has exited`);
  return Number(kib) * 1024;
}

/** Node with these arguments from spawn to exit. */
async function timeToExit(args: string[]): Promise<number> {
  const started = performance.now();
  const result = await runProcess(process.execPath, args, { cwd: os.tmpdir(), killAfterMs: 30_000 });
  if (result.code !== 0) throw new Error(`node ${args.join(' ')} exited with ${result.code}: ${result.output}`);
  return performance.now() - started;
}

/** A daemon with nothing in its session, from spawn to its API line: what any start costs before the torrents. */
async function emptyStart(dataDir: string): Promise<number> {
  const started = performance.now();
  const daemon = await startDaemonProcess({ dataDir });
  const ms = performance.now() - started;
  await daemon.process.stop();
  return ms;
}

function print(f: DaemonBenchFigures): void {
  const { shape, download: d } = f;
  const ms = (value: number) => `${Math.round(value)} ms`;
  const spread = (s: Spread) => `${ms(s.median)} (min ${ms(s.min)}, max ${ms(s.max)})`;
  const idleLine = (what: string, i: IdleFigures) => `${what}: ${formatBytes(i.rssBytes.median)} RSS (max ${formatBytes(i.rssBytes.max)}), CPU ${(100 * i.coresBusy).toFixed(1)} % of a core over ${i.seconds} s`;
  console.log(`\n== ${f.title} (load average at start: ${f.loadAverageAtStart.toFixed(2)})`);
  console.log(`seeder daemon ready (${shape.torrents} added, checked, seeding) after ${f.seederReadySeconds.toFixed(1)} s; the daemon under test took ${shape.torrents} adds (paused) in ${ms(f.addAllMs)}`);
  console.log(idleLine(`idle, ${shape.torrents} torrents all paused`, f.idleAllPaused));
  console.log(
    `${shape.active} downloading at once: ${formatBytes(d.bytes)} in ${d.seconds.toFixed(2)} s (${d.mebibytesPerSecond.toFixed(1)} MiB/s in all); ` +
      `CPU ${d.cpuSecondsPerGib.toFixed(1)} s/GiB; peak RSS ${formatBytes(d.peakRssBytes)}; copies ${d.verified ? 'verified' : 'WRONG'}`,
  );
  console.log(idleLine(`idle, ${shape.active} seeding and ${shape.torrents - shape.active} paused (after ${shape.settleSeconds} s to settle)`, f.idleSeeding));
  console.log(`restarts (SIGTERM, then the same data folder), spawn to API line / to every torrent listed as before:`);
  f.restarts.forEach((r, i) => {
    const rechecked = r.openings.rechecked.length > 0 ? `; rechecked: ${r.openings.rechecked.join('; ')}` : '';
    console.log(
      `  ${i + 1}: stop ${ms(r.stopMs)}; ${ms(r.toApiMs)} / ${ms(r.toListedMs)}; ${r.listsPolled} lists polled, 'checking' seen ${r.checkingSeen} times` +
        `${r.checkingUntilMs === undefined ? '' : ` (the last ${ms(r.checkingUntilMs)} after the spawn)`}; ` +
        `files opened: ${r.openings.resumed} resumed, ${r.openings.fresh} fresh, ${r.openings.rechecked.length} rechecked${rechecked}`,
    );
  });
  console.log(`nothing rehashed (never 'checking' in a list, and every started torrent's files resumed, says the debug log): ${f.noRehash ? 'yes' : 'NO'}; start with ${shape.torrents} torrents: ${spread(f.startMs)} (target: under ${ms(TARGET_START_MS)} with no rehash: ${f.targetMet ? 'met' : 'NOT met'})`);
  const api = spreadOf(f.restarts.map((r) => r.toApiMs));
  console.log(
    `where a start goes (medians, each step's reference taken between the restarts): node itself (node -e 0) ${ms(f.nodeMs.median)}; ` +
      `the CLI's modules and an empty daemon up to its API ${ms(f.emptyStartMs.median - f.nodeMs.median)} more; restoring ${shape.torrents} torrents ${ms(api.median - f.emptyStartMs.median)} more; ` +
      `then the ${shape.active} started ones' files opened and listed ${ms(f.startMs.median - api.median)} more`,
  );
}
