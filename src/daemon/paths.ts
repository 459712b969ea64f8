import * as os from 'os';
import * as path from 'path';

/**
 * The daemon's state folder when `--data` is not given: $XDG_DATA_HOME/swarmlab,
 * else ~/.local/share/swarmlab (the XDG base-directory convention).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(os.homedir(), '.local', 'share');
  return path.join(base, 'swarmlab');
}

/** What the daemon keeps under its data folder. */
export function dataPaths(dataDir: string) {
  return {
    /** The torrents, their settings and the daemon's own (written atomically). */
    session: path.join(dataDir, 'session.json'),
    /** Each torrent's .torrent, copied here when added (or once a magnet link's metadata came): <infohash>.torrent. */
    torrents: path.join(dataDir, 'torrents'),
    /** Each torrent's resume state: <infohash>.resume. */
    resume: path.join(dataDir, 'resume'),
    /** The API's bearer token (mode 0600), asked for when the API listens beyond 127.0.0.1. */
    apiToken: path.join(dataDir, 'api-token'),
    /** The DHT's routing table, for a warm start. */
    dhtNodes: path.join(dataDir, 'dht-nodes.json'),
    /** Where torrents go unless told otherwise (until the user picks another). */
    downloads: path.join(dataDir, 'downloads'),
  };
}
