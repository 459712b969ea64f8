import * as fs from 'fs';
import * as path from 'path';
import type { TorrentSummary } from '../../src/daemon/api/contract.js';
import { eventuallyAsync } from '../support/polling.js';
import { startDaemonProcess, type RunningDaemon } from '../support/daemonProcess.js';
import { storeOpenings, type StoreOpenings } from './storeOpenings.js';

/** A daemon with 100 torrents is up in its first second at most, but a loaded machine may stall it. */
const START_TIMEOUT_MS = 60_000;
const LOG_WAIT_MS = 5_000;

export interface RestartFigures {
  /** From SIGTERM to the process's exit (every torrent stopped, resume states written). */
  stopMs: number;
  /** From the spawn to the stdout line naming the API: node, the modules, the session restored, the ports open. */
  toApiMs: number;
  /** From the spawn to the first list with every torrent in the state and at the progress it had. */
  toListedMs: number;
  /** Lists asked for until then (back to back), and how many torrents any of them showed 'checking'. */
  listsPolled: number;
  checkingSeen: number;
  /** From the spawn to the last list that showed a torrent 'checking' (the API says so while a torrent's files open, trusted or not). */
  checkingUntilMs?: number;
  /** How the started torrents' files were opened, from the debug log of this run. */
  openings: StoreOpenings;
}

/** What each torrent must show again after a restart: its state and progress before. */
export type Expected = Map<string, Pick<TorrentSummary, 'state' | 'progress'>>;

export function expectedOf(torrents: TorrentSummary[]): Expected {
  return new Map(torrents.map((t) => [t.id, { state: t.state, progress: t.progress }]));
}

/**
 * Stops the daemon (SIGTERM: it writes its resume states), starts it again on
 * the same data folder and ports, and lists its torrents back to back until
 * every one is as it was. Any torrent seen 'checking' on the way is counted;
 * whether its files were hashed again is what the debug log says.
 */
export async function restart(daemon: RunningDaemon, dataDir: string, expected: Expected): Promise<{ daemon: RunningDaemon; figures: RestartFigures }> {
  const stopping = performance.now();
  await daemon.process.stop();
  const stopMs = performance.now() - stopping;
  const spawnedAt = performance.now();
  const again = await startDaemonProcess({ dataDir, peerPort: daemon.peerPort, apiPort: daemon.apiPort, startTimeoutMs: START_TIMEOUT_MS });
  const toApiMs = performance.now() - spawnedAt;
  let listsPolled = 0;
  let checkingSeen = 0;
  let checkingUntilMs: number | undefined;
  for (;;) {
    const torrents = await again.api.list();
    listsPolled++;
    const checking = torrents.filter((t) => t.state === 'checking').length;
    checkingSeen += checking;
    if (checking > 0) checkingUntilMs = performance.now() - spawnedAt;
    if (asBefore(torrents, expected)) break;
    if (performance.now() - spawnedAt > START_TIMEOUT_MS) throw new Error(`after a restart the daemon lists ${describeStates(torrents)}, not every torrent as before`);
  }
  const toListedMs = performance.now() - spawnedAt;
  const openings = await openingsLogged(dataDir, [...expected.values()].filter((t) => t.state !== 'paused').length);
  return { daemon: again, figures: { stopMs, toApiMs, toListedMs, listsPolled, checkingSeen, checkingUntilMs, openings } };
}

/** The debug log's "files opened" lines, once there is one per started torrent (the log is written a moment after). */
async function openingsLogged(dataDir: string, started: number): Promise<StoreOpenings> {
  const count = (o: StoreOpenings) => o.resumed + o.fresh + o.rechecked.length;
  const read = () => storeOpenings(fs.existsSync(debugLogOf(dataDir)) ? fs.readFileSync(debugLogOf(dataDir), 'utf8') : '');
  try {
    return await eventuallyAsync(async () => count(read()) >= started && read(), `${started} "files opened" lines in ${debugLogOf(dataDir)}`, LOG_WAIT_MS);
  } catch {
    return read(); // fewer: the figures say so
  }
}

/** Where startDaemonProcess has the daemon write its debug log (overwritten at each start). */
function debugLogOf(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}-daemon.debug.log`);
}

function asBefore(torrents: TorrentSummary[], expected: Expected): boolean {
  return torrents.length === expected.size && torrents.every((t) => expected.get(t.id)?.state === t.state && expected.get(t.id)?.progress === t.progress);
}

/** e.g. "100 torrents: 90 paused, 10 seeding". */
export function describeStates(torrents: TorrentSummary[]): string {
  const counts = new Map<string, number>();
  for (const t of torrents) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  return `${torrents.length} torrents: ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')}`;
}
