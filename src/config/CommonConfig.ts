import { closestWord } from '../common/closestWord.js';
import { ConfigError, ConfigWarning } from './ConfigError.js';
import { readConfigLines } from './lineReader.js';
import { parseDecimal, parseIntegerInRange, parseRate } from './values.js';

/** Common.cfg, validated and converted to the units the rest of the peer uses. */
export interface CommonConfig {
  /** k: how many preferred neighbors are unchoked each interval. */
  numberOfPreferredNeighbors: number;
  /** p, converted from seconds to milliseconds. */
  unchokingIntervalMs: number;
  /** m, converted from seconds to milliseconds. */
  optimisticUnchokingIntervalMs: number;
  fileName: string;
  fileSize: number;
  pieceSize: number;
  /** ceil(fileSize / pieceSize); only the last piece may be shorter than pieceSize. */
  pieceCount: number;
  /** Our own optional keys (see OPTIONAL_KEYS), kept as raw strings for the layers that use them. */
  extras: ReadonlyMap<string, string>;
}

/**
 * A piece message carries a 4-byte length prefix plus a few header bytes, so a
 * huge piece would mean a huge frame held in memory at once; 16 MiB is far above
 * any sensible piece size and still a manageable frame.
 */
export const MAX_PIECE_SIZE_BYTES = 16 * 1024 * 1024;

/** Piece indexes travel as 4-byte unsigned integers in have and request messages. */
export const MAX_PIECE_COUNT = 2 ** 32;

/**
 * Node's timers store delays as signed 32-bit milliseconds and silently turn a
 * longer delay into 1 ms, which would make the choking timers spin.
 */
export const MAX_INTERVAL_MS = 2 ** 31 - 1;

/** Keys of our own that Common.cfg may carry; validated by the layers that use them. */
export const OPTIONAL_KEYS = [
  'MetaInfo',
  'RequestStrategy',
  'MaxRequestsPerPeer',
  'MaxUploadRate',
  'MaxDownloadRate',
  'MaxNeighbourUploadRate',
  'MaxNeighbourDownloadRate',
  'Protocol',
  'TrackerPort',
  'PeerDiscovery',
] as const;

/** The rate-limit keys: bytes per second, with units (`2MiB/s`); re-read on SIGHUP. */
export const RATE_KEYS = ['MaxUploadRate', 'MaxDownloadRate', 'MaxNeighbourUploadRate', 'MaxNeighbourDownloadRate'] as const;
export type RateKey = (typeof RATE_KEYS)[number];

/** RequestStrategy values: the course's rule (default), or rarest-first with pipelining and an end game. */
export const REQUEST_STRATEGIES = ['course', 'rarest-first'] as const;
export type RequestStrategy = (typeof REQUEST_STRATEGIES)[number];

/** Protocol values: the course's protocol (default), or standard BitTorrent between our own peers (`swarmlab swarm` adds a tracker). */
export const PROTOCOLS = ['course', 'bittorrent'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/**
 * How a BitTorrent set-up's peers find each other: PeerInfo.cfg's list and the
 * tracker `swarmlab swarm` runs (default), or a local DHT alone, the first
 * peer of PeerInfo.cfg its bootstrap node, the leechers starting from the
 * torrent's magnet link (its info-hash) and fetching the rest from peers.
 */
export const PEER_DISCOVERIES = ['listed', 'dht'] as const;
export type PeerDiscovery = (typeof PEER_DISCOVERIES)[number];

export function peerDiscoveryOf(common: CommonConfig): PeerDiscovery {
  return (common.extras.get('PeerDiscovery') as PeerDiscovery | undefined) ?? 'listed';
}

/** The port of the tracker `swarmlab swarm` runs for a BitTorrent set-up, unless TrackerPort says otherwise (`swarmlab tracker`'s default too). */
export const DEFAULT_TRACKER_PORT = 6969;

/** The peers' protocol, from the optional `Protocol` key. */
export function protocolOf(common: CommonConfig): Protocol {
  return (common.extras.get('Protocol') as Protocol | undefined) ?? 'course';
}

/** The embedded tracker's port (a BitTorrent set-up's `TrackerPort`, else 6969). */
export function trackerPortOf(common: CommonConfig): number {
  const text = common.extras.get('TrackerPort');
  return text === undefined ? DEFAULT_TRACKER_PORT : Number(text);
}

/** MaxRequestsPerPeer bounds: the serving side queues a bounded number of requests per neighbour. */
export const MAX_REQUESTS_PER_PEER_LIMIT = 16;

/** The spec's keys, each parsed into the value CommonConfig stores. */
interface RequiredValues {
  NumberOfPreferredNeighbors: number;
  UnchokingInterval: number; // ms
  OptimisticUnchokingInterval: number; // ms
  FileName: string;
  FileSize: number;
  PieceSize: number;
}
type RequiredKey = keyof RequiredValues;

/** Returns the parsed value or calls fail with a problem description. */
type ValueParser<T> = (text: string, fail: (problem: string) => never) => T;

const REQUIRED_PARSERS: { [K in RequiredKey]: ValueParser<RequiredValues[K]> } = {
  NumberOfPreferredNeighbors: (text, fail) =>
    parseIntegerInRange(text, 1, Number.MAX_SAFE_INTEGER) ??
    fail(`expected a whole number of neighbors, at least 1, got '${text}'`),
  UnchokingInterval: parseSecondsAsMs,
  OptimisticUnchokingInterval: parseSecondsAsMs,
  FileName: parseFileName,
  FileSize: (text, fail) =>
    parseIntegerInRange(text, 1, Number.MAX_SAFE_INTEGER) ??
    fail(`expected a whole number of bytes from 1 to ${Number.MAX_SAFE_INTEGER}, got '${text}'`),
  PieceSize: (text, fail) =>
    parseIntegerInRange(text, 1, MAX_PIECE_SIZE_BYTES) ??
    fail(`expected a whole number of bytes from 1 to ${MAX_PIECE_SIZE_BYTES} (16 MiB), got '${text}'`),
};

/** In the order a missing key is reported: the spec's order. */
export const REQUIRED_KEYS = Object.keys(REQUIRED_PARSERS) as readonly RequiredKey[];

function parseSecondsAsMs(text: string, fail: (problem: string) => never): number {
  const seconds = parseDecimal(text);
  if (seconds === undefined || seconds <= 0) fail(`expected a positive number of seconds, got '${text}'`);
  // Rounded to whole ms because timers work in whole ms (and 0.3 * 1000 is not exact).
  const ms = Math.round(seconds * 1000);
  if (ms < 1) fail(`expected at least 0.001 seconds, got '${text}'`);
  if (ms > MAX_INTERVAL_MS) fail(`expected at most ${MAX_INTERVAL_MS / 1000} seconds (a timer limit), got '${text}'`);
  return ms;
}

function parseFileName(text: string, fail: (problem: string) => never): string {
  // The name is joined onto each peer's directory: a separator or a dot-name
  // would let it point outside that directory.
  if (text.includes('/') || text.includes('\\')) fail(`expected a plain file name without '/' or '\\', got '${text}'`);
  if (text === '.' || text === '..') fail(`expected a file name, got '${text}'`);
  return text;
}

type Found = { [K in RequiredKey]?: { value: RequiredValues[K]; line: number } };

const KNOWN_KEYS: readonly string[] = [...REQUIRED_KEYS, ...OPTIONAL_KEYS];

/**
 * Parses Common.cfg. Throws ConfigError for a missing, malformed or duplicate
 * key; returns warnings for unknown keys and keys written in the wrong case.
 */
export function parseCommonConfig(
  text: string,
  fileLabel: string,
): { config: CommonConfig; warnings: ConfigWarning[] } {
  const warnings: ConfigWarning[] = [];
  const found: Found = {};
  const extras = new Map<string, string>();
  const firstLineOf = new Map<string, number>();

  // Unknown keys by the known key they probably meant: a misspelt required key is named on its line.
  const misspelt = new Map<string, { line: number; written: string }>();

  for (const { line, fields } of readConfigLines(text)) {
    const written = fields[0];
    refuseOtherSeparators(fields, fileLabel, line);
    const key = canonicalKey(written);
    if (key === undefined) {
      const meant = closestWord(written, KNOWN_KEYS);
      if (meant !== undefined && !misspelt.has(meant)) misspelt.set(meant, { line, written });
      warnings.push({ file: fileLabel, line, message: `unknown key '${written}' ignored${meant ? ` (did you mean '${meant}'?)` : ''}` });
      continue;
    }
    if (key !== written) {
      warnings.push({ file: fileLabel, line, message: `key '${written}' read as '${key}' (keys are case-sensitive)` });
    }
    const fail = (problem: string): never => {
      throw new ConfigError(fileLabel, line, key, problem);
    };
    const firstLine = firstLineOf.get(key);
    if (firstLine !== undefined) fail(`duplicate key (first given on line ${firstLine})`);
    firstLineOf.set(key, line);
    if (fields.length === 1) fail('missing value');
    if (fields.length > 2) fail(`expected a single value without spaces, got '${fields.slice(1).join(' ')}'`);

    const value = fields[1];
    if (isRequiredKey(key)) store(found, key, value, line, fail);
    else extras.set(key, checkOptional(key, value, fail));
  }

  for (const key of REQUIRED_KEYS) {
    const typo = misspelt.get(key);
    if (found[key] === undefined && typo !== undefined) {
      throw new ConfigError(fileLabel, typo.line, typo.written, `unknown key; did you mean '${key}'? (${key} is required and missing)`);
    }
  }
  refuseBitTorrentWithoutMetaInfo(extras, firstLineOf, fileLabel);
  const config: CommonConfig = {
    numberOfPreferredNeighbors: required(found, 'NumberOfPreferredNeighbors', fileLabel).value,
    unchokingIntervalMs: required(found, 'UnchokingInterval', fileLabel).value,
    optimisticUnchokingIntervalMs: required(found, 'OptimisticUnchokingInterval', fileLabel).value,
    fileName: required(found, 'FileName', fileLabel).value,
    fileSize: required(found, 'FileSize', fileLabel).value,
    pieceSize: required(found, 'PieceSize', fileLabel).value,
    pieceCount: 0,
    extras,
  };
  config.pieceCount = ceilDiv(config.fileSize, config.pieceSize);
  if (config.pieceCount > MAX_PIECE_COUNT) {
    throw new ConfigError(
      fileLabel,
      required(found, 'FileSize', fileLabel).line,
      'FileSize',
      `${config.fileSize} bytes in pieces of ${config.pieceSize} makes ${config.pieceCount} pieces, ` +
        `more than a 4-byte piece index can address (${MAX_PIECE_COUNT}); use a larger PieceSize`,
    );
  }
  return { config, warnings };
}

/**
 * The spec writes a key and its value separated by whitespace. 'Key=2',
 * 'Key = 2' and 'Key: 2' are common slips that would otherwise read as an
 * unknown key; the line says how to write it.
 */
function refuseOtherSeparators(fields: string[], fileLabel: string, line: number): void {
  const joined = fields.join(' ');
  const match = /^([A-Za-z]+)\s*[=:]\s*(.*)$/.exec(joined);
  if (match === null) return;
  const key = canonicalKey(match[1]) ?? closestWord(match[1], KNOWN_KEYS);
  if (key === undefined) return;
  throw new ConfigError(fileLabel, line, key, `write the key and its value separated by a space, without '=' or ':': '${key} ${match[2]}'`);
}

/** The key as the spec spells it, matching case-insensitively; undefined if unknown. */
function canonicalKey(written: string): string | undefined {
  if (KNOWN_KEYS.includes(written)) return written;
  const lower = written.toLowerCase();
  return KNOWN_KEYS.find((known) => known.toLowerCase() === lower);
}

function isRequiredKey(key: string): key is RequiredKey {
  return Object.prototype.hasOwnProperty.call(REQUIRED_PARSERS, key);
}

// Generic so the parser's result type stays tied to its key.
function store<K extends RequiredKey>(
  found: Found,
  key: K,
  text: string,
  line: number,
  fail: (problem: string) => never,
): void {
  const parse: ValueParser<RequiredValues[K]> = REQUIRED_PARSERS[key];
  found[key] = { value: parse(text, fail), line } as Found[K];
}

function required<K extends RequiredKey>(
  found: Found,
  key: K,
  fileLabel: string,
): { value: RequiredValues[K]; line: number } {
  const entry = found[key] as { value: RequiredValues[K]; line: number } | undefined;
  if (entry === undefined) throw new ConfigError(fileLabel, undefined, key, 'missing required key');
  return entry;
}

/** Exact ceil(a / b) even near 2^53, where floating-point division can round. */
function ceilDiv(a: number, b: number): number {
  return Number((BigInt(a) + BigInt(b) - 1n) / BigInt(b));
}

/**
 * BitTorrent peers find each other's pieces by the .torrent's SHA-1s and its
 * info-hash: without one they would have nothing to share.
 */
function refuseBitTorrentWithoutMetaInfo(extras: ReadonlyMap<string, string>, lines: ReadonlyMap<string, number>, fileLabel: string): void {
  if (extras.get('Protocol') !== 'bittorrent' || extras.has('MetaInfo')) return;
  throw new ConfigError(
    fileLabel,
    lines.get('Protocol'),
    'Protocol',
    "bittorrent needs a MetaInfo key naming the .torrent the peers share (e.g. 'MetaInfo swarm.torrent'; swarmlab swarm --make-file writes it)",
  );
}

/** Our optional keys with a fixed form are checked here, where the line is known. */
function checkOptional(key: string, value: string, fail: (problem: string) => never): string {
  if (key === 'RequestStrategy' && !(REQUEST_STRATEGIES as readonly string[]).includes(value)) {
    fail(`expected ${REQUEST_STRATEGIES.join(' or ')}, got '${value}'`);
  }
  if ((RATE_KEYS as readonly string[]).includes(key) && parseRate(value) === undefined) {
    fail(`expected a rate such as 2MiB/s, 500KB/s or 1000 (bytes per second), got '${value}'`);
  }
  if (key === 'MaxRequestsPerPeer' && parseIntegerInRange(value, 1, MAX_REQUESTS_PER_PEER_LIMIT) === undefined) {
    fail(`expected a whole number from 1 to ${MAX_REQUESTS_PER_PEER_LIMIT}, got '${value}'`);
  }
  if (key === 'Protocol' && !(PROTOCOLS as readonly string[]).includes(value)) fail(`expected ${PROTOCOLS.join(' or ')}, got '${value}'`);
  if (key === 'TrackerPort' && parseIntegerInRange(value, 1, 65535) === undefined) fail(`expected a port number from 1 to 65535, got '${value}'`);
  if (key === 'PeerDiscovery' && !(PEER_DISCOVERIES as readonly string[]).includes(value)) fail(`expected ${PEER_DISCOVERIES.join(' or ')}, got '${value}'`);
  return value;
}
