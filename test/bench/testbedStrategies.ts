import { execFile, spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { loadConfig } from '../../src/config/Config.js';
import { peerDirectory } from '../../src/config/peerDirectory.js';
import { formatBytes, table } from '../../src/launcher/format.js';
import { hashFile, prepareSeedFiles } from '../../src/launcher/seedFiles.js';
import { verifyCopies } from '../../src/launcher/verifyCopies.js';
import { readProtocolLogs } from '../../src/logcheck/readRun.js';
import { analyzeRun } from '../../src/report/analyzeRun.js';
import { bringUp } from '../../src/testbed/bringUp.js';
import type { TestbedState } from '../../src/testbed/state.js';
import { tearDown } from '../../src/testbed/tearDown.js';
import { figuresOf, interpretation, seederLast, type Spread, type StrategyFigures } from './testbedFigures.js';

const run = promisify(execFile);
const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');
const MIB = 1024 * 1024;

/** 1 seeder and 5 leechers, each on its own host; the seeder on the last one. */
const HOSTS = 6;
const SEEDER_HOST = `h${HOSTS}`;
/** The seeder's uplink (tbf on its host's egress): the bottleneck. */
const SEEDER_RATE = '20mbit';
const SEEDER_BITS_PER_SECOND = 20e6;
/** One copy through the seeder's uplink takes some 8 s: the uplink, not the CPUs, sets the pace. */
const FILE_SIZE = 20 * MIB;
const PIECE_SIZE = 32 * 1024;
/** k, p and m of the issues' 100 MiB swarm: re-choked often enough for a short run. */
const CHOKING = ['NumberOfPreferredNeighbors 2', 'UnchokingInterval 1', 'OptimisticUnchokingInterval 2'];
/** Apart from the default testbed's and the tests' subnets (10.213, 10.214). */
const SUBNET = '10.219.0.0/24';
const SWARM_TIMEOUT_S = 150;
/**
 * The course's random choice, one piece at a time, against rarest-first with
 * pipelining and an end game, and rarest-first with one request in flight (its
 * choice without the pipeline). BitTorrent (`Protocol bittorrent`) is left
 * out: --push writes its binary .torrent as UTF-8 text, and its peers write
 * no log_peer_<id>.log, which a remote peer's session follows for completion.
 */
const STRATEGIES: readonly Strategy[] = [
  { name: 'course', dir: 'course', keys: ['RequestStrategy course'] },
  { name: 'rarest-first', dir: 'rarest-first', keys: ['RequestStrategy rarest-first'] },
  { name: 'unpipelined rarest-first', dir: 'rarest-first-unpipelined', keys: ['RequestStrategy rarest-first', 'MaxRequestsPerPeer 1'] },
];

interface Strategy {
  name: string;
  /** Its config, logs and hosts' directories, under the bench's. */
  dir: string;
  /** Its Common.cfg keys. */
  keys: string[];
}

export interface TestbedBenchFigures {
  title: string;
  seederRate: string;
  fileSize: number;
  loadAverageAtStart: number;
  strategies: StrategyFigures[];
  interpretation: string;
}

/**
 * `npm run bench -- testbed`: a testbed of six hosts (root only), the
 * seeder's uplink limited, and the same swarm run once per request strategy
 * from the controller over ssh; what each costs in time and in copies the
 * seeder had to send. The testbed goes in a finally, also on Ctrl-C.
 */
export async function testbedStrategiesBench(): Promise<TestbedBenchFigures> {
  const loadAverageAtStart = os.loadavg()[0];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-tb-bench-'));
  const interrupt = new Interrupt();
  const stateDir = path.join(root, 'testbed');
  const strategies: StrategyFigures[] = [];
  try {
    const state = await bringUp({ hosts: HOSTS, tag: `tb${process.pid}`, subnet: SUBNET, stateDir, rates: [`${SEEDER_HOST}=${SEEDER_RATE}`], signal: interrupt.signal });
    const peersDir = path.join(root, 'peers');
    for (const strategy of STRATEGIES) {
      if (interrupt.signal.aborted) break;
      console.log(`\n${strategy.name}: ${HOSTS} hosts, ${formatBytes(FILE_SIZE)} from ${SEEDER_HOST} at ${SEEDER_RATE}...`);
      strategies.push(await runStrategy(state, root, peersDir, strategy, interrupt));
    }
  } finally {
    interrupt.release();
    await tearDown(stateDir);
    fs.rmSync(root, { recursive: true, force: true });
  }
  if (interrupt.signal.aborted) {
    console.error('interrupted: the swarm stopped its peers, the testbed is torn down');
    process.exit(130);
  }
  const figures: TestbedBenchFigures = {
    title: `1 seeder + ${HOSTS - 1} leechers on a testbed, the seeder's uplink at ${SEEDER_RATE}, ${formatBytes(FILE_SIZE)} in ${PIECE_SIZE / 1024} KiB pieces, ${CHOKING.join(', ')}`,
    seederRate: SEEDER_RATE,
    fileSize: FILE_SIZE,
    loadAverageAtStart,
    strategies,
    interpretation: interpretation(strategies, (FILE_SIZE * 8) / SEEDER_BITS_PER_SECOND),
  };
  print(figures);
  return figures;
}

/** One swarm with this strategy: its own config and remote directories, the same seeder's file (made once). */
async function runStrategy(state: TestbedState, root: string, peersDir: string, strategy: Strategy, interrupt: Interrupt): Promise<StrategyFigures> {
  const dir = path.join(root, strategy.dir);
  fs.mkdirSync(dir);
  const common = [...CHOKING, 'FileName bench.dat', `FileSize ${FILE_SIZE}`, `PieceSize ${PIECE_SIZE}`, ...strategy.keys, ''];
  fs.writeFileSync(path.join(dir, 'Common.cfg'), common.join('\n'));
  fs.writeFileSync(path.join(dir, 'PeerInfo.cfg'), seederLast(fs.readFileSync(state.files.peerInfo, 'utf8')));
  const config = loadConfig(dir);
  await prepareSeedFiles(config, peersDir, true);
  const logDir = path.join(dir, 'logs');
  const hostDir = (address: string) => path.join(dir, 'hosts', address);
  const seederHost = state.hosts[HOSTS - 1];

  const sentBefore = await bytesSent(seederHost.namespace);
  const swarmArgs = ['--config-dir', dir, '--peers-dir', peersDir, '--log-dir', logDir, '--ssh-config', state.files.sshConfig];
  const remoteArgs = ['--remote-dir', hostDir('{host}'), '--push', '--collect', '--timeout', String(SWARM_TIMEOUT_S)];
  const swarm = await interrupt.run('ip', ['netns', 'exec', state.controller.namespace, process.execPath, SWARMLAB, 'swarm', ...swarmArgs, ...remoteArgs], root);
  const seederLinkBytes = (await bytesSent(seederHost.namespace)) - sentBefore;
  if (swarm.code !== 0) console.log(`swarm exited ${swarm.code}; its last lines:\n${swarm.output.trimEnd().split('\n').slice(-12).join('\n')}`);

  // The hosts' directories are on this machine's disk: the copies are checked here, apart from the launcher's own check.
  const seedFile = path.join(peerDirectory(peersDir, seederHost.peerId), config.common.fileName);
  const checks = await verifyCopies(config, peersDir, (peer) => {
    const file = peer.hasFile ? seedFile : path.join(hostDir(peer.host), `peer_${peer.peerId}`, config.common.fileName);
    return { file, sha1: () => hashFile(file) };
  });
  const analysis = analyzeRun(readProtocolLogs(logDir), {});
  return figuresOf({
    strategy: strategy.name,
    exitCode: swarm.code,
    seederId: seederHost.peerId,
    fileSize: FILE_SIZE,
    pieceSize: PIECE_SIZE,
    peers: analysis.peers,
    seederLinkBytes,
    copies: checks.length,
    verifiedCopies: checks.filter((c) => c.matches).length,
  });
}

/** What a namespace's links (not lo) have sent so far, from the kernel's counters. */
async function bytesSent(namespace: string): Promise<number> {
  const { stdout } = await run('ip', ['-n', namespace, '-j', '-s', 'link', 'show']);
  const links = JSON.parse(stdout) as { ifname: string; stats64: { tx: { bytes: number } } }[];
  return links.filter((link) => link.ifname !== 'lo').reduce((sum, link) => sum + link.stats64.tx.bytes, 0);
}

/**
 * Ctrl-C while the bench runs: aborts the testbed's bring-up, passes the
 * SIGINT to the swarm running (which stops its peers), and lets the bench's
 * finally tear the testbed down.
 */
class Interrupt {
  private readonly controller = new AbortController();
  private child: ChildProcess | undefined;
  private readonly onSignal = () => {
    // Once: a second SIGINT would end the swarm before it stops its peers (npm and tsx pass the terminal's on too).
    if (this.controller.signal.aborted) return;
    this.controller.abort();
    this.child?.kill('SIGINT');
  };

  constructor() {
    process.on('SIGINT', this.onSignal).on('SIGTERM', this.onSignal);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  release(): void {
    process.off('SIGINT', this.onSignal).off('SIGTERM', this.onSignal);
  }

  /** Runs a command to its end, its output kept; past the swarm's own timeout and a margin it is stopped, by pid. */
  run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
    // A group of its own: a Ctrl-C in the terminal reaches it once, from here, not twice (a second one would end it before it stops its peers).
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const guard = setTimeout(() => child.kill('SIGTERM'), (SWARM_TIMEOUT_S + 30) * 1000);
    return new Promise((resolve) =>
      child.on('close', (code) => {
        clearTimeout(guard);
        this.child = undefined;
        resolve({ code, output });
      }),
    );
  }
}

function print(f: TestbedBenchFigures): void {
  console.log(`\n== ${f.title} (load average at start: ${f.loadAverageAtStart.toFixed(2)})`);
  const seconds = (value: number | undefined) => (value === undefined ? '-' : `${value.toFixed(1)} s`);
  const spread = (s: Spread | undefined) => (s ? `${s.min.toFixed(1)} / ${s.median.toFixed(1)} / ${s.max.toFixed(1)} s` : '-');
  console.log(
    table(
      ['strategy', 'ok', 'last leecher done', 'leechers done min/median/max', 'seeder sent (pieces)', 'seeder link sent', 'copies verified'],
      f.strategies.map((s) => [
        s.strategy,
        s.ok ? 'yes' : 'NO',
        seconds(s.lastCompletionSeconds),
        `${spread(s.completionSeconds)}${s.completedLeechers < s.leechers ? ` (${s.completedLeechers} of ${s.leechers})` : ''}`,
        `${formatBytes(s.seederPieceBytes)} = ${s.seederPieceCopies.toFixed(2)} copies`,
        `${formatBytes(s.seederLinkBytes)} = ${s.seederLinkCopies.toFixed(2)} copies`,
        `${s.verifiedCopies} of ${s.copies}`,
      ]),
    ),
  );
  console.log("times from the seeder's start (the last peer's); seeder sent (pieces): the pieces the leechers logged from it; seeder link sent: its host's link counters (headers, duplicates of the end game, ssh included)");
  console.log(f.interpretation);
}
