import * as fs from 'fs';
import * as path from 'path';
import { freePorts } from '../../../src/net/freePorts.js';
import { eventually } from '../polling.js';
import { withTimeout } from '../waiting.js';
import { startAria2 } from './aria2.js';
import { describeExit, type ClientExit, type RunningClient, type StartClient } from './clientProcess.js';
import { startLibtorrent } from './libtorrent.js';
import type { LocalTracker } from './localTracker.js';
import { startSwarmlab } from './swarmlab.js';
import type { TorrentFixture } from './torrentFixtures.js';

export type ClientName = 'aria2' | 'libtorrent' | 'swarmlab';

export const START_CLIENT: Record<ClientName, StartClient> = { aria2: startAria2, libtorrent: startLibtorrent, swarmlab: startSwarmlab };

/** How often a seeder's readiness is looked at: the tracker notifies nobody. */
const READY_POLL_MS = 50;

/**
 * The real clients of one test or benchmark run, meeting at `tracker`.
 * stopAll() stops each client it started, by its pid.
 */
export class RealSwarm {
  private readonly clients: RunningClient[] = [];
  private downloads = 0;

  constructor(
    private readonly tracker: LocalTracker,
    /** Downloaders get fresh directories below it. */
    private readonly workDir: string,
    /** swarmlab's debug logs (on in tests; a benchmark turns them off). */
    private readonly debugLogs = true,
  ) {}

  /** Starts `client` seeding `fixture` from its seed directory; resolves once the tracker heard that it seeds. */
  async seeder(client: ClientName, fixture: TorrentFixture, timeoutMs: number): Promise<RunningClient> {
    const [port] = await freePorts(1);
    const seeder = await this.start(client, { role: 'seed', torrent: fixture.torrent, dir: fixture.seedDir, port });
    await eventually(
      () => {
        const exit = seeder.exit();
        if (exit) throw new Error(`${seeder.name} ${describeExit(exit)} before it seeded; its last output:\n${seeder.tail()}`);
        return this.tracker.seedingAnnounce(port);
      },
      () => `${seeder.name} to announce that it seeds; the tracker took:\n${this.tracker.describeAnnounces()}\nthe seeder's last output:\n${seeder.tail()}`,
      timeoutMs,
      READY_POLL_MS,
    );
    return seeder;
  }

  /**
   * Starts `client` downloading `fixture` into a fresh directory (`prepare`
   * may put data there first); `copy` is where the torrent's file or folder will be.
   */
  async downloader(client: ClientName, fixture: TorrentFixture, prepare?: (dir: string) => void): Promise<{ downloader: RunningClient; copy: string }> {
    const [port] = await freePorts(1);
    const dir = path.join(this.workDir, `download-${++this.downloads}-${client}`);
    fs.mkdirSync(dir, { recursive: true });
    prepare?.(dir);
    const downloader = await this.start(client, { role: 'download', torrent: fixture.torrent, dir, port });
    return { downloader, copy: path.join(dir, fixture.name) };
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.stop()));
  }

  private async start(client: ClientName, options: Parameters<StartClient>[0]): Promise<RunningClient> {
    const running = await START_CLIENT[client]({ ...options, debugLog: this.debugLogs });
    this.clients.push(running);
    return running;
  }
}

/** Throws, with the client's last output, unless it exited with code 0. */
export function mustHaveExitedZero(client: RunningClient, exit: ClientExit): void {
  if (exit.code !== 0 || exit.signal !== null) throw new Error(`${client.name} ${describeExit(exit)}; its last output:\n${client.tail()}`);
}

/** A downloader's exit, which it must reach by itself within `timeoutMs`. */
export function exitedByItself(client: RunningClient, timeoutMs: number): Promise<ClientExit> {
  return withTimeout(client.exited, () => `${client.name} to finish and exit; its last output:\n${client.tail()}`, timeoutMs);
}
