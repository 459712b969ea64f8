/**
 * The control interface and the metrics of BitTorrent peers in a live swarm
 * of real processes (the launcher and its embedded tracker in this process):
 * a leecher's status, metrics and rate limits over HTTP, paused over HTTP
 * (it keeps its pieces, leaves its neighbours and gains nothing) and resumed
 * over the launcher's IPC channel; the swarm then ends verified.
 */
import { startEmbeddedTracker } from '../../src/launcher/embeddedTracker.js';
import type { SwarmLauncher, SwarmRun } from '../../src/launcher/SwarmLauncher.js';
import { verifyCopies } from '../../src/launcher/verifyCopies.js';
import { freePorts } from '../../src/net/freePorts.js';
import type { PeerStatus } from '../../src/node/PeerStatus.js';
import type { RunningTracker } from '../../src/tracker/TrackerServer.js';
import { bittorrentSetup, type BtSwarmSetup } from '../support/btSwarmDir.js';
import { liveLauncher } from '../support/liveSwarm.js';
import { Waiters, withTimeout } from '../support/waiting.js';

const WAIT_MS = 20_000;
const [SEEDER, OTHER, WATCHED] = [6001, 6002, 6003];

let setup: BtSwarmSetup | undefined;
let launcher: SwarmLauncher | undefined;
let tracker: RunningTracker | undefined;
afterEach(async () => {
  launcher?.stopAll('test over');
  await tracker?.close();
  setup?.remove();
});

async function http(port: number, route: string, body?: unknown): Promise<{ status: number; json: unknown; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined, text };
}

test('a BitTorrent leecher answers status, metrics and limits over HTTP; paused it gains nothing, resumed it finishes', async () => {
  // Three peers, 3 MB; the seeder uploads at most 600 KiB/s, so the run lasts long enough to pause someone in it.
  setup = await bittorrentSetup({ peers: 3, fileSize: 3_000_000 });
  const [controlPort, metricsPort] = await freePorts(2);
  const live = await liveLauncher(
    setup.root,
    new Map([
      [SEEDER, ['--max-upload-rate', '600KiB/s']],
      [WATCHED, ['--control-port', String(controlPort), '--metrics-port', String(metricsPort)]],
    ]),
  );
  const { config, peersDir } = live;
  launcher = live.launcher;
  tracker = await startEmbeddedTracker(config);
  const latest = new Map<number, PeerStatus>();
  const waiters = new Waiters();
  launcher.on('status', ({ peerId, status }) => {
    latest.set(peerId, status);
    waiters.notify();
  });
  const until = (describe: string, probe: () => boolean) => waiters.until(() => probe() || undefined, describe, WAIT_MS);
  const held = (peerId: number) => latest.get(peerId)?.piecesHeld ?? 0;
  const running: Promise<SwarmRun> = launcher.run();

  await until(`peer ${WATCHED} to hold some pieces`, () => held(WATCHED) >= 3);
  const status = (await http(controlPort, '/status')).json as PeerStatus;
  expect(status).toMatchObject({ peerId: WATCHED, state: 'running', pieceCount: setup.pieceCount });
  expect(status.neighbours.map((n) => n.peerId)).toContain(SEEDER);
  expect(status.neighbours.find((n) => n.peerId === SEEDER)).toMatchObject({ amInterested: true, piecesHeld: setup.pieceCount });
  const metrics = (await http(metricsPort, '/metrics')).text;
  expect(Number(/^swarmlab_downloaded_bytes_total\{neighbour="6001",peer="6003"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  expect(metrics).toMatch(/^swarmlab_pieces_held\{peer="6003"\} [1-9]\d*$/m);
  expect(metrics).toMatch(/^swarmlab_neighbours_connected\{peer="6003"\} [1-9]$/m);
  expect(metrics).toMatch(/^swarmlab_choke_changes_total\{way="received",change="unchoke",peer="6003"\} [1-9]\d*$/m);

  // Limits over HTTP: set, shown in the status, then lifted again.
  const limited = await http(controlPort, '/limits', { downloadBytesPerSecond: '2MiB/s' });
  expect(limited.status).toBe(200);
  expect((limited.json as { status: PeerStatus }).status.limits).toEqual({ downloadBytesPerSecond: 2 * 1024 * 1024 });
  expect(((await http(controlPort, '/limits', { downloadBytesPerSecond: null })).json as { status: PeerStatus }).status.limits).toEqual({});

  expect((await http(controlPort, '/pause', {})).status).toBe(200);
  await until(`peer ${WATCHED} to report itself paused with no neighbour`, () => latest.get(WATCHED)?.state === 'paused' && latest.get(WATCHED)?.neighbours.length === 0);
  const heldWhenPaused = held(WATCHED);
  expect((await http(metricsPort, '/metrics')).text).toMatch(/^swarmlab_paused\{peer="6003"\} 1$/m);
  await until('the others to lose their connection to the paused one', () =>
    [SEEDER, OTHER].every((id) => !latest.get(id)?.neighbours.some((n) => n.peerId === WATCHED)),
  );
  const otherBefore = held(OTHER);
  await until('the other leecher to gain pieces meanwhile', () => held(OTHER) >= Math.min(setup!.pieceCount, otherBefore + 5));
  expect(held(WATCHED)).toBe(heldWhenPaused);

  await launcher.command(WATCHED, { kind: 'resume' });
  const finished = await withTimeout(running, 'the swarm to finish after the resume', 60_000);
  expect(finished.runs.map((r) => r.end)).toEqual(config.peers.map(() => ({ kind: 'exited', code: 0, signal: null })));
  expect((await verifyCopies(config, peersDir)).every((c) => c.matches)).toBe(true);
  // The summary's figures came over the launcher link: pieces from whom, in pieces' worth of bytes.
  const watched = finished.runs.find((r) => r.peer.peerId === WATCHED)!;
  expect(watched.completedAtMs).toBeDefined();
  expect(watched.bytesDownloaded).toBeGreaterThanOrEqual(3_000_000);
  expect(watched.neighbours.find((n) => n.peerId === SEEDER)?.piecesDownloaded).toBeGreaterThan(0);
}, 120_000);
