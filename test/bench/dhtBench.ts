import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import { formatBytes } from '../../src/launcher/format.js';
import { freePorts } from '../../src/net/freePorts.js';
import { RawKrpc, announceInRounds, startNetwork, stopAll } from '../dht/dhtHarness.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';
import { trackerlessSeed } from '../support/trackerlessSeed.js';
import { eventually } from '../support/polling.js';
import { startLibtorrent } from '../support/realClients/libtorrent.js';
import { SWARMLAB_CLI } from '../support/realClients/swarmlab.js';
import { runNodeScript } from '../support/runProcess.js';
import { LOOPBACK } from '../support/sockets.js';

const MIB = 1024 * 1024;
const ANNOUNCED_PEERS = 10_000;
/** 10,000 peers as a busy node sees them: many torrents, a few peers each. */
const PEERS_PER_INFO_HASH = 10;
/** From the issue. */
const TARGET_MEMORY_BYTES = 32 * MIB;
const DHT_NODES = 20;

interface Measure {
  rss: number;
  peak: number;
  heapUsed: number;
  announcedPeers: number;
}

export interface DhtBenchFigures {
  idleRssBytes: number;
  holdingRssBytes: number;
  aboveIdleBytes: number;
  announcedPeers: number;
  magnet?: { toMetadataMs: number; toFirstByteMs: number; totalMs: number; verified: boolean };
}

/**
 * The two DHT figures: the memory of a node of ours holding 10,000
 * announced peers, above the same node idle (each in a process of its own);
 * and, in a local DHT of 20 of our nodes with one libtorrent seeder, the time
 * from `swarmlab download MAGNET` to the metadata and to the first byte.
 */
export async function dhtBench(): Promise<DhtBenchFigures> {
  const memory = await memoryHoldingPeers();
  console.log(`\n== a DHT node of ours holding ${ANNOUNCED_PEERS.toLocaleString('en')} announced peers (${ANNOUNCED_PEERS / PEERS_PER_INFO_HASH} info-hashes), in its own process, after a full GC`);
  console.log(`idle: ${formatBytes(memory.idleRssBytes)} RSS; holding them: ${formatBytes(memory.holdingRssBytes)}; above idle: ${formatBytes(memory.aboveIdleBytes)} (target: under ${formatBytes(TARGET_MEMORY_BYTES)}: ${memory.aboveIdleBytes < TARGET_MEMORY_BYTES ? 'met' : 'NOT met'})`);
  const magnet = await magnetStart();
  console.log(`\n== swarmlab download MAGNET (info-hash only) in a local DHT of ${DHT_NODES} of our nodes and one libtorrent seeder, 1 MiB`);
  console.log(`metadata after ${magnet.toMetadataMs} ms, first byte after ${magnet.toFirstByteMs} ms, done after ${magnet.totalMs} ms; copy ${magnet.verified ? 'verified' : 'WRONG'}`);
  return { ...memory, magnet };
}

async function memoryHoldingPeers(): Promise<Omit<DhtBenchFigures, 'magnet'>> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(import.meta.dirname, 'dhtNodeChild.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout! });
  const next = () => new Promise<string>((resolve) => lines.once('line', resolve));
  const raw = await RawKrpc.open();
  try {
    const { port } = JSON.parse(await next()) as { port: number };
    const measure = async (): Promise<Measure> => {
      const answer = next();
      child.stdin!.write('measure\n');
      return JSON.parse(await answer) as Measure;
    };
    const idle = await measure();
    const announces = Array.from({ length: ANNOUNCED_PEERS }, (_, i) => ({
      infoHash: Buffer.from(`${String(Math.floor(i / PEERS_PER_INFO_HASH)).padStart(8, '0')}swarmlab-bench`.slice(0, 20).padEnd(20, '-')),
      port: 10_000 + (i % 50_000),
    }));
    await announceInRounds(raw, port, announces);
    const holding = await measure();
    if (holding.announcedPeers !== ANNOUNCED_PEERS) throw new Error(`the node holds ${holding.announcedPeers} announced peers, not ${ANNOUNCED_PEERS}`);
    return { idleRssBytes: idle.rss, holdingRssBytes: holding.rss, aboveIdleBytes: holding.rss - idle.rss, announcedPeers: ANNOUNCED_PEERS };
  } finally {
    await raw.close();
    child.stdin!.end();
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function magnetStart(): Promise<NonNullable<DhtBenchFigures['magnet']>> {
  const dir = makeTempDir('swarmlab-bench-magnet-');
  const nodes = await startNetwork(DHT_NODES);
  try {
    const { content, seedDir, torrent, meta } = await trackerlessSeed(dir, MIB, 64 * 1024, 3);
    const { infoHash } = meta;
    const bootstrap = `${LOOPBACK}:${nodes[0].port}`;
    const [seedPort, downloadPort] = await freePorts(2);
    const seeder = await startLibtorrent({ role: 'seed', torrent, dir: seedDir, port: seedPort, dhtBootstrap: bootstrap });
    try {
      await seeder.untilLine(/"seeding"/, 30_000);
      await eventually(() => nodes.some((n) => n.node.status().announcedPeers > 0), 'libtorrent to announce itself', 60_000, 50);
      const downloadDir = path.join(dir, 'download');
      fs.mkdirSync(downloadDir);
      const log = path.join(dir, 'download.log');
      const startedAt = Date.now();
      const result = await runNodeScript(
        SWARMLAB_CLI,
        ['download', `magnet:?xt=urn:btih:${infoHash.toString('hex')}`, '--dir', downloadDir, '--port', String(downloadPort), '--bind', LOOPBACK, '--dht-bootstrap', bootstrap, '--log', log],
        { cwd: dir, killAfterMs: 120_000 },
      );
      const totalMs = Date.now() - startedAt;
      const verified = result.code === 0 && fs.readFileSync(path.join(downloadDir, 'data.bin')).equals(content);
      return { toMetadataMs: msAfter(log, /for metadata: added/, startedAt, 'metadata'), toFirstByteMs: msAfter(log, /from .*: piece /, startedAt, 'first block'), totalMs, verified };
    } finally {
      await seeder.stop();
    }
  } finally {
    await stopAll(nodes);
    removeTempDir(dir);
  }
}

/** Milliseconds from `startedAt` to the debug log's first line matching `pattern` (its timestamps are local time, to the millisecond). */
function msAfter(log: string, pattern: RegExp, startedAt: number, what: string): number {
  const line = fs.readFileSync(log, 'utf8').split('\n').find((l) => pattern.test(l));
  const stamp = line && /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
  if (!stamp) throw new Error(`no ${what} in ${log}`);
  return new Date(`${stamp[1]}T${stamp[2]}`).getTime() - startedAt;
}
