/**
 * The daemon's HTTP API, version 1: the shapes every route sends and takes.
 * The server (ApiServer), the client (ApiClient: the CLI's commands, `swarmlab
 * top`) and the web UI all follow this file; openapi.yaml describes the same.
 * Rates are bytes per second, sizes bytes, times ms since the epoch.
 */

/** Every route starts with this. */
export const API_PREFIX = '/api/v1';
/** Where the daemon's API listens unless told otherwise (127.0.0.1 only by default). */
export const DEFAULT_API_PORT = 9881;
export const DEFAULT_API_URL = `http://127.0.0.1:${DEFAULT_API_PORT}`;
/** The largest body the API takes (a .torrent of a few MiB, base64-encoded, in JSON). */
export const MAX_API_BODY_BYTES = 16 * 1024 * 1024;

/**
 * - metadata: a magnet link whose info dictionary is being fetched from peers;
 * - checking: hashing what is on disk (added over existing data, a recheck, files changed since the last run);
 * - downloading, seeding: started;
 * - paused: stopped by the user; pieces kept, no connection;
 * - error: stopped by an error (`error` says which); resume starts it again.
 */
export type TorrentState = 'metadata' | 'checking' | 'downloading' | 'seeding' | 'paused' | 'error';

export const FILE_PRIORITIES = ['skip', 'low', 'normal', 'high'] as const;
export type FilePriority = (typeof FILE_PRIORITIES)[number];

export interface TorrentSummary {
  /** The info-hash in lower-case hex: the torrent's id in every route (a unique prefix will do). */
  id: string;
  /** The same as `id` (what `swarmlab ls --json` is read for). */
  infoHash: string;
  /** The torrent's name, or the magnet link's `dn` (or the id) until its metadata is known. */
  name: string;
  state: TorrentState;
  /** From 0 to 1: bytes held over bytes wanted; 0 until the metadata is known. */
  progress: number;
  /** null until the metadata is known. */
  sizeBytes: number | null;
  doneBytes: number;
  downloadRate: number;
  uploadRate: number;
  /** Connected peers, and how many of them are seeds. */
  peers: number;
  seeds: number;
  /** Payload bytes over every run. */
  downloadedBytes: number;
  uploadedBytes: number;
  /** The folder its files are in. */
  dir: string;
  addedAtMs: number;
  /** Why it is in the error state; null otherwise. */
  error: string | null;
}

export interface TorrentFile {
  index: number;
  /** Inside the torrent, '/'-separated. */
  path: string;
  sizeBytes: number;
  doneBytes: number;
  /** The pieces holding its bytes (one may be shared with the next file), and how many of them are held. */
  pieceCount: number;
  piecesHeld: number;
  priority: FilePriority;
}

export interface TorrentPeer {
  /** host:port */
  address: string;
  /** From the peer id or BEP 10's `v`. */
  client: string;
  /** µTorrent's letters, as most clients show them (peerView.ts peerFlags): D we download from it, d we would but it chokes us, U we upload to it, u it would but we choke it, K it unchokes us unasked, ? we unchoke it unasked, I it dialled us. */
  flags: string;
  direction: 'inbound' | 'outbound';
  downloadRate: number;
  uploadRate: number;
  /** Its share of the pieces, 0 to 1. */
  progress: number;
}

export interface TorrentTracker {
  url: string;
  tier: number;
  /** What the last announce did. */
  status: 'idle' | 'announcing' | 'working' | 'error';
  message: string | null;
  peers: number;
  lastAnnounceAtMs: number | null;
}

export interface TorrentDetail extends TorrentSummary {
  /** Its own limits, between each peer's and the global ones. */
  limits: RateLimitsBody;
  /** Each wanted file's first and last pieces come before the rest. */
  firstAndLastFirst: boolean;
  pieceLength: number | null;
  pieceCount: number | null;
  /** The pieces held, as the wire's bitfield in hex (piece 0 is the high bit of the first byte); '' until the metadata is known. */
  pieces: string;
  magnet: string;
  files: TorrentFile[];
  trackers: TorrentTracker[];
}

/** POST /torrents with content-type application/json; a raw .torrent may instead be sent as application/x-bittorrent with ?dir=&paused=. */
export interface AddRequest {
  /** Exactly one of: the .torrent's bytes in base64, a magnet link, an http(s) URL of a .torrent. */
  torrent?: string;
  magnet?: string;
  url?: string;
  /** The folder to download into; the daemon's download folder by default. */
  dir?: string;
  /** Added without starting (no announce, no connection). */
  paused?: boolean;
}

/** 201 when added; 200 with added false when the torrent was already there (nothing changed). */
export interface AddResult {
  added: boolean;
  torrent: TorrentSummary;
}

/** null: no limit. */
export interface RateLimitsBody {
  downloadRate: number | null;
  uploadRate: number | null;
}

export interface DaemonInfo {
  version: string;
  /** The TCP port peers reach us on. */
  peerPort: number;
  /** Our DHT node's UDP port; null with the DHT off. */
  dhtPort: number | null;
  /** The port saved in the settings, used from the next start unless `--port` says otherwise; null: the default. */
  configuredPeerPort: number | null;
  /** Where torrents go unless an add names a folder. */
  downloadDir: string;
  dataDir: string;
  limits: RateLimitsBody;
  /** Each connection's own limits (every torrent's peers). */
  peerLimits: RateLimitsBody;
  /** true until the user has confirmed the download folder and port (the web UI's first-run screen). */
  firstRun: boolean;
}

/** PATCH /settings: what may change while the daemon runs. */
export interface SettingsPatch {
  downloadDir?: string;
  /** From the next start (1-65535). */
  peerPort?: number;
  limits?: Partial<RateLimitsBody>;
  peerLimits?: Partial<RateLimitsBody>;
  firstRun?: false;
}

/** PATCH /torrents/:id: what may change of one torrent while it runs. */
export interface TorrentPatch {
  limits?: Partial<RateLimitsBody>;
  /** Files' new priorities, by index (the others keep theirs); `skip` leaves a file out. */
  files?: { index: number; priority: FilePriority }[];
  /** Each wanted file's first and last pieces before the rest (a preview can start; players read an index at the end). */
  firstAndLastFirst?: boolean;
}

/** Every error is this, with a 4xx or 5xx status. */
export interface ApiErrorBody {
  error: string;
}

/**
 * GET /events (text/event-stream). `event: torrents` with `data: {"torrents":[...]}`
 * (the whole list) at once, then at most once a second while something
 * changes; `event: removed` with `data: {"id":"..."}`. A `: keep-alive`
 * comment every 15 s.
 */
export type DaemonEvent = { type: 'torrents'; torrents: TorrentSummary[] } | { type: 'removed'; id: string };
