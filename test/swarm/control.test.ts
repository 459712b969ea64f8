/**
 * The control interface and the metrics in a live swarm of real processes:
 * a paused leecher keeps its pieces, leaves its neighbours and gains nothing
 * while paused, then resumes and finishes; metrics scraped mid-run show the
 * transfer; the logs of the whole run still pass check-logs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadConfig } from '../../src/config/Config.js';
import type { PeerStatus } from '../../src/node/PeerStatus.js';
import { checkLogs } from '../../src/logcheck/checkLogs.js';
import { readProtocolLogs } from '../../src/logcheck/readRun.js';
import { runConfigFor } from '../../src/logcheck/runConfig.js';
import { SwarmLauncher, type SwarmRun } from '../../src/launcher/SwarmLauncher.js';
import { verifyCopies } from '../../src/launcher/verifyCopies.js';
import { freePorts } from '../../src/net/freePorts.js';
import { Waiters, withTimeout } from '../support/waiting.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';
import { PEER_PROCESS, SLOW_LEECHER_ARGS, slowSwarm } from '../support/liveSwarm.js';

const PAUSED = 1003;
const WAIT_MS = 20_000;

let setup: SwarmSetup | undefined;
let launcher: SwarmLauncher | undefined;
afterEach(() => {
  launcher?.stopAll('test over');
  setup?.remove();
});

/** Every status each peer pushed, and a wait on them. */
function watchStatuses(swarm: SwarmLauncher) {
  const latest = new Map<number, PeerStatus>();
  const history: PeerStatus[] = [];
  const waiters = new Waiters();
  swarm.on('status', ({ peerId, status }) => {
    latest.set(peerId, status);
    history.push(status);
    waiters.notify();
  });
  const until = (describe: string, probe: () => boolean) => waiters.until(() => probe() || undefined, describe, WAIT_MS);
  return { latest, history, until };
}

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  return response.text();
}

test('pause a leecher mid-swarm: it keeps its pieces and gains none while paused; resumed, it finishes; metrics show the transfer', async () => {
  const [metricsPort] = await freePorts(1);
  const swarm = await slowSwarm(new Map([[PAUSED, ['--metrics-port', String(metricsPort), ...SLOW_LEECHER_ARGS]]]));
  ({ setup, launcher } = swarm);
  const { config, peersDir } = swarm;
  const statuses = watchStatuses(launcher);
  const lines: string[] = [];
  launcher.on('logLines', ({ lines: batch }) => lines.push(...batch));
  const running: Promise<SwarmRun> = launcher.run();
  const held = (peerId: number) => statuses.latest.get(peerId)?.piecesHeld ?? 0;

  await statuses.until(`peer ${PAUSED} to hold some pieces`, () => held(PAUSED) >= 5);
  const metrics = await scrape(metricsPort);
  const downloaded = metrics.match(/^swarmlab_downloaded_bytes_total\{neighbour="\d+",peer="1003"\} (\d+)$/gm) ?? [];
  expect(downloaded.map((line) => Number(line.split(' ')[1])).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  expect(metrics).toMatch(/^swarmlab_pieces_held\{peer="1003"\} [1-9]\d*$/m);

  await launcher.command(PAUSED, { kind: 'pause' });
  await statuses.until(`peer ${PAUSED} to report itself paused with no neighbour`, () => {
    const status = statuses.latest.get(PAUSED);
    return status?.state === 'paused' && status.neighbours.length === 0;
  });
  const heldWhenPaused = held(PAUSED);
  expect(await scrape(metricsPort)).toMatch(/^swarmlab_paused\{peer="1003"\} 1$/m);
  // The others see it go, and go on without it.
  const others = config.peers.filter((p) => p.peerId !== PAUSED).map((p) => p.peerId);
  await statuses.until('every other peer to lose its connection to the paused one', () =>
    others.every((id) => !statuses.latest.get(id)?.neighbours.some((n) => n.peerId === PAUSED)),
  );
  const othersBefore = held(1002) + held(1004);
  await statuses.until('the others to gain 20 pieces while it is paused', () => held(1002) + held(1004) >= othersBefore + 20);
  expect(held(PAUSED)).toBe(heldWhenPaused);
  expect(statuses.latest.get(PAUSED)?.state).toBe('paused');

  await launcher.command(PAUSED, { kind: 'resume' });
  const finished = await withTimeout(running, 'the swarm to finish after the resume', 60_000);
  expect(finished.runs.map((r) => r.end)).toEqual(config.peers.map(() => ({ kind: 'exited', code: 0, signal: null })));
  expect((await verifyCopies(config, peersDir)).every((c) => c.matches)).toBe(true);
  // Paused, it kept its pieces: its first status after the resume starts from there (and check-logs
  // below proves its log's count rose by one throughout, never starting over).
  const own = statuses.history.filter((s) => s.peerId === PAUSED);
  const firstAfterResume = own.slice(own.findIndex((s) => s.state === 'paused')).find((s) => s.state === 'running');
  expect(firstAfterResume?.piecesHeld).toBeGreaterThanOrEqual(heldWhenPaused);
  expect(lines).toContainEqual(expect.stringMatching(/^Peer 1003 has downloaded the complete file\.$/));
  const logDir = path.join(setup.root, 'logs');
  const logs = readProtocolLogs(logDir);
  expect(checkLogs(logs, runConfigFor(logs, logDir, setup.root).facts)).toEqual([]);
  expect(fs.readFileSync(path.join(logDir, `log_peer_${PAUSED}.debug.log`), 'utf8')).toMatch(/paused: every connection closed/);
}, 120_000);

test('kill and restart from the control interface: a running peer restarted, a killed one started again; the swarm still finishes', async () => {
  const swarm = await slowSwarm();
  ({ setup, launcher } = swarm);
  const live = launcher;
  const statuses = watchStatuses(live);
  const lifecycles: string[] = [];
  live.on('lifecycle', ({ peerId, state }) => lifecycles.push(`${peerId}:${state}`));
  const running = live.run();
  const held = (peerId: number) => statuses.latest.get(peerId)?.piecesHeld ?? 0;

  await statuses.until('peers 1003 and 1004 to hold some pieces', () => held(1003) >= 5 && held(1004) >= 5);
  live.restart(1003); // running: killed, then started again
  live.kill(1004);
  await statuses.until('peer 1004 to be killed', () => live.lifecycleOf(1004) === 'killed' && live.runs.find((r) => r.peer.peerId === 1004)?.exitedAtMs !== undefined);
  live.restart(1004); // killed: started again at once

  const finished = await withTimeout(running, 'the swarm to finish after the restarts', 60_000);
  expect(finished.runs.map((r) => r.end)).toEqual(swarm.config.peers.map(() => ({ kind: 'exited', code: 0, signal: null })));
  expect(finished.runs.filter((r) => r.restarts > 0).map((r) => r.peer.peerId)).toEqual([1003, 1004]);
  expect(lifecycles).toEqual(expect.arrayContaining(['1003:killed', '1004:killed']));
  expect(lifecycles.filter((l) => l === '1003:running' || l === '1004:running')).toHaveLength(4);
  expect((await verifyCopies(swarm.config, swarm.peersDir)).every((c) => c.matches)).toBe(true);
}, 120_000);

test('a command to a peer that is not running is refused with a reason', async () => {
  setup = await makeSwarmDir({ peers: 2, fileSize: 1000, pieceSize: 100 });
  const config = loadConfig(setup.root);
  launcher = new SwarmLauncher({ peers: config.peers, configDir: setup.root, peersDir: path.join(setup.root, 'peers'), logDir: path.join(setup.root, 'logs'), logLevel: 'info', timeoutMs: 10_000, peerProcessScript: PEER_PROCESS });
  await expect(launcher.command(1002, { kind: 'pause' })).rejects.toThrow('peer 1002 is not running');
});
