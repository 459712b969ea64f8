import { trackerPortOf } from '../config/CommonConfig.js';
import type { Config } from '../config/Config.js';
import type { RunningTracker, TrackerAnnounce } from '../tracker/TrackerServer.js';

/** How often the peers re-announce: often enough that a peer started late is soon listed to the others. */
const ANNOUNCE_INTERVAL_S = 30;

/**
 * The announce URL of the tracker `swarmlab swarm` runs for a BitTorrent
 * set-up: 127.0.0.1 at Common.cfg's TrackerPort (6969 by default). A fixed
 * port, so the .torrent written once by --make-file names every later run's
 * tracker too.
 */
export function embeddedTrackerUrl(config: Config): string {
  return `http://127.0.0.1:${trackerPortOf(config.common)}/announce`;
}

export class EmbeddedTrackerError extends Error {
  override readonly name = 'EmbeddedTrackerError';
}

/** Starts the tracker on 127.0.0.1 (HTTP and UDP) before the peers; `onAnnounce` hears each peer's announces. */
export async function startEmbeddedTracker(config: Config, onAnnounce?: (announce: TrackerAnnounce) => void): Promise<RunningTracker> {
  // Loaded only for a BitTorrent swarm: bittorrent-tracker's server costs some 25 MiB.
  const { startTrackerServer, TrackerServerError } = await import('../tracker/TrackerServer.js');
  const port = trackerPortOf(config.common);
  try {
    const tracker = await startTrackerServer({ port, bind: '127.0.0.1', announceIntervalS: ANNOUNCE_INTERVAL_S });
    if (onAnnounce) tracker.onAnnounce(onAnnounce);
    return tracker;
  } catch (error) {
    if (!(error instanceof TrackerServerError)) throw error;
    const key = config.common.extras.has('TrackerPort') ? 'TrackerPort in Common.cfg' : 'the default; set TrackerPort in Common.cfg to change it';
    throw new EmbeddedTrackerError(`the tracker cannot listen on 127.0.0.1:${port} (${key}): ${error.message}`);
  }
}
