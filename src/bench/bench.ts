import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '../config/Config';
import { freePorts } from '../net/freePorts';
import { formatBytes, formatSeconds, table } from '../launcher/format';
import { prepareSeedFiles } from '../launcher/seedFiles';
import { SwarmLauncher, type SwarmRun } from '../launcher/SwarmLauncher';
import { verifyCopies } from '../launcher/verifyCopies';
import { recheckBench } from './recheckBench';

/**
 * `npm run bench`: runs whole swarms of real processes on 127.0.0.1 in a temp
 * dir and prints the figures the issues ask for. Not a test: it measures.
 */
interface Scenario {
  name: string;
  /** Verify every piece against a .torrent (MetaInfo in Common.cfg). */
  metaInfo?: boolean;
  fileSize: number;
  pieceSize: number;
  k: number;
  unchokingSeconds: number;
  optimisticSeconds: number;
  peers: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'default six-peer (10,000,232 B, 32 KiB pieces, k=2 p=5 m=15)', fileSize: 10_000_232, pieceSize: 32_768, k: 2, unchokingSeconds: 5, optimisticSeconds: 15, peers: 6 },
  { name: '100 MiB, 16 KiB pieces, k=2 p=1 m=2, six peers', fileSize: 100 * 1024 * 1024, pieceSize: 16_384, k: 2, unchokingSeconds: 1, optimisticSeconds: 2, peers: 6 },
  {
    name: 'the same 100 MiB swarm, every piece verified against a .torrent',
    fileSize: 100 * 1024 * 1024,
    pieceSize: 16_384,
    k: 2,
    unchokingSeconds: 1,
    optimisticSeconds: 2,
    peers: 6,
    metaInfo: true,
  },
];

/** `npm run bench [-- swarm|recheck]`: both by default. */
async function main(): Promise<void> {
  const only = process.argv[2];
  if (only !== 'recheck') await swarmBench();
  if (only !== 'swarm') await recheckBench();
}

async function swarmBench(): Promise<void> {
  const seconds: number[] = [];
  for (const scenario of SCENARIOS) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-bench-'));
    try {
      seconds.push(await runScenario(scenario, root));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  const [, plain, verified] = seconds;
  console.log(`\nverification costs the 100 MiB swarm ${((100 * (verified - plain)) / plain).toFixed(1)} % (target: under 15 %)`);
}

/** Runs one scenario and returns the seconds from the last peer's start until every process exited. */
async function runScenario(scenario: Scenario, root: string): Promise<number> {
  const ports = await freePorts(scenario.peers);
  fs.writeFileSync(
    path.join(root, 'Common.cfg'),
    `NumberOfPreferredNeighbors ${scenario.k}\nUnchokingInterval ${scenario.unchokingSeconds}\nOptimisticUnchokingInterval ${scenario.optimisticSeconds}\n` +
      `FileName bench.dat\nFileSize ${scenario.fileSize}\nPieceSize ${scenario.pieceSize}\n${scenario.metaInfo ? 'MetaInfo bench.torrent\n' : ''}`,
  );
  fs.writeFileSync(path.join(root, 'PeerInfo.cfg'), ports.map((port, i) => `${3001 + i} 127.0.0.1 ${port} ${i === 0 ? 1 : 0}\n`).join(''));
  const config = loadConfig(root);
  const peersDir = path.join(root, 'peers');
  await prepareSeedFiles(config, peersDir, true);
  const swarm = await new SwarmLauncher({
    peers: config.peers,
    configDir: root,
    peersDir,
    logDir: path.join(root, 'logs'),
    logLevel: 'warn',
    timeoutMs: 600_000,
  }).run();
  const copies = await verifyCopies(config, peersDir);
  printScenario(scenario, swarm, copies.every((c) => c.matches));
  return (swarm.endedMs - swarm.lastStartMs) / 1000;
}

function printScenario(scenario: Scenario, swarm: SwarmRun, identical: boolean): void {
  const ok = swarm.runs.every((r) => r.end?.kind === 'exited' && r.end.code === 0);
  console.log(`\n== ${scenario.name}`);
  console.log(`from the last peer's start until every process exited: ${formatSeconds(swarm.endedMs - swarm.lastStartMs)}`);
  console.log(`all peers exited 0: ${ok ? 'yes' : 'NO'}; copies identical: ${identical ? 'yes' : 'NO'}`);
  const rows = swarm.runs.map((run) => [
    String(run.peer.peerId),
    run.peer.hasFile ? 'seeder' : run.completedAtMs && run.startedAtMs ? formatSeconds(run.completedAtMs - run.startedAtMs) : '-',
    run.resources ? formatBytes(run.resources.maxRssBytes) : '-',
    run.resources ? `${((run.resources.cpuUserMs + run.resources.cpuSystemMs) / 1000).toFixed(2)} s` : '-',
  ]);
  console.log(table(['peer', 'complete after start', 'peak RSS', 'CPU'], rows));
  const peak = Math.max(...swarm.runs.map((r) => r.resources?.maxRssBytes ?? 0));
  const cpu = swarm.runs.reduce((sum, r) => sum + (r.resources ? r.resources.cpuUserMs + r.resources.cpuSystemMs : 0), 0);
  console.log(`peak RSS of any peer: ${formatBytes(peak)}; CPU of all peers together: ${(cpu / 1000).toFixed(2)} s`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
