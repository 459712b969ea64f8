import * as fs from 'fs';
import * as net from 'net';
import { performance } from 'perf_hooks';
import { freePorts } from '../net/freePorts.js';
import { PeerUnderTest } from './PeerUnderTest.js';
import type { ScenarioName, ScenarioRun } from './ScenarioRun.js';
import { leechFrom, seedTo } from './scripts.js';
import { ScriptEnded, ScriptedNeighbour } from './ScriptedNeighbour.js';
import { findLog, makeWorkDir, readPeerFile, type ListedPeer, type SwarmShape } from './workDir.js';

/** Short intervals and a small file: each scenario takes seconds. 10 pieces, the last of 784 bytes (6 spare bits). */
export const SHAPE: SwarmShape = { k: 2, unchokingSeconds: 1, optimisticSeconds: 2, fileName: 'conform.dat', pieceSize: 1024 };
const FILE_SIZE = 10_000;
export const LOOPBACK = '127.0.0.1';
/** A peer that refuses our dial is given this long before the next try (it may not listen yet). */
const REDIAL_MS = 100;
/** Once our side is done, how long the peer has to exit by itself, at most (within the scenario's time). */
const EXIT_WAIT_MS = 10_000;

export interface ScenarioOutcome {
  run: ScenarioRun;
  /** False when the peer never got onto the wire: it could not be spawned, or made and took no connection. */
  started: boolean;
  /** The peer's last output lines. */
  output: string[];
  /** Why the command could not be spawned at all (ENOENT, EACCES), if so. */
  spawnError?: string;
  workDir: string;
}

export interface ScenarioOptions {
  /** The peer's command line, `{id}` standing for its peer ID. */
  command: readonly string[];
  timeoutMs: number;
}

/** A file whose every piece differs from the others, so a wrong index shows. */
export function conformFile(size = FILE_SIZE): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + (i >> 10) * 7 + 1) & 0xff));
}

/** (a) The peer (1002) as the only leecher of our seeder (1001, listed first: the peer dials it). */
export async function leecherScenario(options: ScenarioOptions): Promise<ScenarioOutcome> {
  const file = conformFile();
  const accepted: net.Socket[] = [];
  const server = net.createServer((socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const [peerPort] = await freePorts(1);
  const peers: ListedPeer[] = [
    { peerId: 1001, port: (server.address() as net.AddressInfo).port, hasFile: true },
    { peerId: 1002, port: peerPort, hasFile: false },
  ];
  try {
    return await runScenario('leecher', options, file, peers, 1002, async (stage) => {
      const socket = await stage.waitFor(() => accepted[0]);
      if (!socket) return [];
      const seeder = stage.neighbour(socket, 'seeder 1001', 1001);
      return [await script(() => seedTo(seeder, (i) => file.subarray(i * SHAPE.pieceSize, (i + 1) * SHAPE.pieceSize), pieceCountOf(file)))];
    });
  } finally {
    server.close();
  }
}

/** Our leechers in the seeder scenario: more than k + 1, so that the peer must choose whom to unchoke. */
const SEEDER_SCENARIO_LEECHERS = [1002, 1003, 1004, 1005];

/**
 * Each of them says not interested after its first piece (when it would ask for the next) until the
 * peer chokes it, so that a choke shows in every run (the peer's random choices may make none): the k it
 * unchoked first are no longer interested at its next re-choice, and at most one of them can be its
 * optimistic neighbour, so a conforming peer chokes another then. Each waits at most 1.5 (p + m): an
 * optimistic one may be kept.
 */
const LEECHER_PAUSE = { afterPieces: 1, chokeWaitMs: 1.5 * (SHAPE.unchokingSeconds + SHAPE.optimisticSeconds) * 1000 };

/** (b) The peer (1001, hasFile 1, listed first) as the seeder of four leechers of ours (1002-1005) that dial it. */
export async function seederScenario(options: ScenarioOptions): Promise<ScenarioOutcome> {
  const file = conformFile();
  const ports = await freePorts(1 + SEEDER_SCENARIO_LEECHERS.length);
  const peers: ListedPeer[] = [1001, ...SEEDER_SCENARIO_LEECHERS].map((peerId, i) => ({ peerId, port: ports[i], hasFile: i === 0 }));
  return runScenario('seeder', options, file, peers, 1001, async (stage) => {
    const leechers = peers.slice(1).map(async ({ peerId }) => {
      const socket = await stage.dial(ports[0]);
      if (!socket) return undefined;
      const leecher = stage.neighbour(socket, `leecher ${peerId}`, peerId);
      return script(() => leechFrom(leecher, pieceCountOf(file), LEECHER_PAUSE));
    });
    return Promise.all(leechers);
  });
}

export function pieceCountOf(file: Buffer): number {
  return Math.ceil(file.length / SHAPE.pieceSize);
}

/** Runs a script to its end; undefined when it could not finish (time ran out, the peer closed). */
export async function script(body: () => Promise<number>): Promise<number | undefined> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof ScriptEnded) return undefined;
    throw error;
  }
}

/** What a scenario's script can do on the stage runScenario sets. */
export interface Stage {
  /** Polls until the probe gives a value, the peer exits, or the time is up (then undefined). */
  waitFor<T>(probe: () => T | undefined): Promise<T | undefined>;
  /** Dials the peer until it accepts, exits, or the time is up. */
  dial(port: number): Promise<net.Socket | undefined>;
  neighbour(socket: net.Socket, label: string, ourId: number): ScriptedNeighbour;
}

/**
 * The frame of every scenario: the working directory, the peer started in
 * it, the script played (resolving with when each of our neighbours had the
 * whole file), then the peer given time to exit by itself, stopped if it
 * does not, and its log and file collected.
 */
export async function runScenario(
  name: ScenarioName,
  options: ScenarioOptions,
  file: Buffer,
  peers: readonly ListedPeer[],
  peerId: number,
  play: (stage: Stage) => Promise<(number | undefined)[]>,
  observed: () => Pick<ScenarioRun, 'listeners'> = () => ({}),
): Promise<ScenarioOutcome> {
  const workDir = makeWorkDir(SHAPE, file, peers, peerId);
  const startedAt = performance.now();
  const clock = () => performance.now() - startedAt;
  const peer = new PeerUnderTest(options.command, peerId, workDir, clock);
  const neighbours: ScriptedNeighbour[] = [];
  const timeLeft = () => options.timeoutMs - clock();
  const stage: Stage = {
    waitFor: async (probe) => {
      for (;;) {
        const value = probe();
        if (value !== undefined || peer.exit || timeLeft() <= 0) return value;
        await peer.exitWithin(Math.min(REDIAL_MS, timeLeft()));
      }
    },
    dial: (port) => dialUntil(port, peer, timeLeft),
    neighbour: (socket, label, ourId) => {
      const neighbour = new ScriptedNeighbour(socket, label, ourId, SHAPE.pieceSize, clock, options.timeoutMs);
      neighbours.push(neighbour);
      return neighbour;
    },
  };
  const doneAt = await play(stage);
  const pieceCount = pieceCountOf(file);
  // Every listed peer has the file once each of our leechers (or the peer, fed by our seeder) has it.
  const allCompleteAtMs = doneAt.length > 0 && doneAt.every((t) => t !== undefined) ? Math.max(...(doneAt as number[])) : undefined;
  const exit = await peer.exitWithin(Math.min(EXIT_WAIT_MS, timeLeft()));
  const stoppedAtMs = clock();
  if (!exit) await peer.stop();
  for (const neighbour of neighbours) neighbour.close();
  const run: ScenarioRun = {
    name,
    peerId,
    peerHasFile: peers.find((p) => p.peerId === peerId)!.hasFile,
    peers: peers.map(({ peerId, hasFile }) => ({ peerId, hasFile })),
    k: SHAPE.k,
    unchokingMs: SHAPE.unchokingSeconds * 1000,
    optimisticMs: SHAPE.optimisticSeconds * 1000,
    fileName: SHAPE.fileName,
    pieceSize: SHAPE.pieceSize,
    pieceCount,
    file,
    connections: neighbours.map((n) => n.record),
    allCompleteAtMs,
    end: exit ? { by: 'itself', ...exit } : { by: 'us', atMs: stoppedAtMs },
    peerFile: readPeerFile(workDir, peerId, SHAPE.fileName),
    log: findLog(workDir, peerId),
    ...observed(),
  };
  return { run, started: neighbours.length > 0, output: peer.output, spawnError: peer.spawnError, workDir };
}

async function dialUntil(port: number, peer: PeerUnderTest, timeLeft: () => number): Promise<net.Socket | undefined> {
  while (!peer.exit && timeLeft() > 0) {
    const socket = await new Promise<net.Socket | undefined>((resolve) => {
      const attempt = net.connect({ host: LOOPBACK, port, noDelay: true });
      attempt.once('connect', () => resolve(attempt));
      attempt.once('error', () => resolve(undefined));
    });
    if (socket) return socket;
    await peer.exitWithin(Math.min(REDIAL_MS, timeLeft()));
  }
  return undefined;
}

/** Removes a scenario's working directory. */
export function removeWorkDir(outcome: ScenarioOutcome): void {
  fs.rmSync(outcome.workDir, { recursive: true, force: true });
}
