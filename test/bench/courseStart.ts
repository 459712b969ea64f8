import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { loadConfig } from '../../src/config/Config.js';
import { prepareSeedFiles } from '../../src/launcher/seedFiles.js';
import { verifyCopies } from '../../src/launcher/verifyCopies.js';
import { freePorts } from '../../src/net/freePorts.js';

/** The course's start script starts one peer every 0.3 s and waits for none of them. */
const START_EVERY_MS = 300;
const TIMEOUT_MS = 120_000;
/** The repository's default Common.cfg is the spec's example. */
const SPEC_COMMON_CFG = path.join(import.meta.dirname, '..', '..', 'Common.cfg');

interface PeerRun {
  peerId: number;
  startedMs: number;
  listeningMs?: number;
  exitedMs?: number;
  code: number | null;
}

/**
 * The spec's default scenario (six peers, the spec's Common.cfg) started the
 * course's way: six processes, 0.3 s apart, none waiting for another to
 * listen. Prints the wall time, and each peer's start-up (spawn to listening,
 * as its console says) so slow start-up and slow discovery show apart.
 */
export async function courseStartBench(peerProcessScript: string): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-course-start-'));
  const runs: PeerRun[] = [];
  const children: ReturnType<typeof spawn>[] = [];
  try {
    fs.copyFileSync(SPEC_COMMON_CFG, path.join(root, 'Common.cfg'));
    const ports = await freePorts(6);
    fs.writeFileSync(path.join(root, 'PeerInfo.cfg'), ports.map((port, i) => `${1001 + i} 127.0.0.1 ${port} ${i === 0 ? 1 : 0}\n`).join(''));
    const config = loadConfig(root);
    await prepareSeedFiles(config, path.join(root, 'peers'), true);

    const exits: Promise<void>[] = [];
    for (const peer of config.peers) {
      const run: PeerRun = { peerId: peer.peerId, startedMs: Date.now(), code: null };
      runs.push(run);
      const child = spawn(process.execPath, [peerProcessScript, String(peer.peerId)], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
      children.push(child);
      readline.createInterface({ input: child.stdout! }).on('line', (line) => {
        if (run.listeningMs === undefined && /listening on port/.test(line)) run.listeningMs = Date.now();
      });
      exits.push(
        new Promise((resolve) =>
          child.once('exit', (code) => {
            run.exitedMs = Date.now();
            run.code = code;
            resolve();
          }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, START_EVERY_MS));
    }
    const timedOut = await Promise.race([Promise.all(exits).then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), TIMEOUT_MS).unref())]);
    const copies = await verifyCopies(config, path.join(root, 'peers'));
    print(runs, timedOut, copies.every((c) => c.matches));
  } finally {
    for (const child of children) if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function print(runs: PeerRun[], timedOut: boolean, copiesIdentical: boolean): void {
  const first = runs[0].startedMs;
  const last = runs[runs.length - 1].startedMs;
  const end = Math.max(...runs.map((r) => r.exitedMs ?? Date.now()));
  const startups = runs.map((r) => (r.listeningMs === undefined ? undefined : r.listeningMs - r.startedMs));
  const known = startups.filter((ms): ms is number => ms !== undefined);
  console.log(`\n== the spec's default scenario started the course's way (six processes 0.3 s apart, none waiting for another)`);
  console.log(`all exited 0: ${!timedOut && runs.every((r) => r.code === 0) ? 'yes' : 'NO'}; copies identical: ${copiesIdentical ? 'yes' : 'NO'}`);
  console.log(`from the first start until every process exited: ${((end - first) / 1000).toFixed(2)} s; from the last start: ${((end - last) / 1000).toFixed(2)} s`);
  console.log(`start-up (spawn to listening) per peer: ${runs.map((r, i) => `${r.peerId} ${startups[i] ?? '?'} ms`).join(', ')}; mean ${(known.reduce((a, b) => a + b, 0) / known.length).toFixed(0)} ms`);
}
