import { startTrackerServer, type TrackerAnnounce } from '../../../src/tracker/TrackerServer.js';
import { LOOPBACK } from '../sockets.js';

/** Short, so that peers of a swarm that start one after another soon hear of each other. */
const ANNOUNCE_INTERVAL_S = 5;

export interface LocalTracker {
  /** http://127.0.0.1:PORT/announce, for the torrents' `announce`. */
  readonly announceUrl: string;
  /** The announce in which the peer listening on `port` said it has everything (left 0), if it did: it is seeding. */
  seedingAnnounce(port: number): TrackerAnnounce | undefined;
  /** The events the peer listening on `port` announced, in order (`started`, `update`, `completed`, `stopped`). */
  eventsOf(port: number): string[];
  /** Every announce so far, one line each, for a failure message. */
  describeAnnounces(): string;
  stop(): Promise<void>;
}

/** Our tracker (bittorrent-tracker's server) on 127.0.0.1 and a free port, keeping every announce it takes. */
export async function startLocalTracker(): Promise<LocalTracker> {
  const tracker = await startTrackerServer({ port: 0, bind: LOOPBACK, announceIntervalS: ANNOUNCE_INTERVAL_S });
  const announces: TrackerAnnounce[] = [];
  tracker.onAnnounce((announce) => announces.push(announce));
  return {
    announceUrl: tracker.httpUrl,
    seedingAnnounce: (port) => announces.find((a) => a.peer === `${LOOPBACK}:${port}` && a.left === 0 && a.event !== 'stopped'),
    eventsOf: (port) => announces.filter((a) => a.peer === `${LOOPBACK}:${port}`).map((a) => a.event),
    describeAnnounces: () => announces.map((a) => `${a.peer} ${a.event} left ${a.left}`).join('\n') || '(none)',
    stop: () => tracker.close(),
  };
}
