import { promises as fs } from 'fs';
import * as path from 'path';
import type { Clock } from '../common/Clock.js';
import type { Random } from '../common/Random.js';
import type { DhtNode } from '../dht/DhtNode.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import { MagnetError, parseMagnetLink, type MagnetLink } from '../magnet/MagnetLink.js';
import { parseMetaInfo, type MetaInfo } from '../metainfo/MetaInfo.js';
import { MetaInfoError } from '../metainfo/MetaInfoError.js';
import { dialFromAddress } from '../net/hosts.js';
import { RateLimits, type RateLimitSettings } from '../node/RateLimits.js';
import { BtSession } from '../session/BtSession.js';
import { replaceAtomically } from '../storage/atomicFile.js';
import { makePeerId, peerIdVersion } from '../wire/bt/PeerId.js';
import type { AddResult, DaemonInfo, SettingsPatch, TorrentDetail, TorrentPatch, TorrentPeer, TorrentSummary } from './api/contract.js';
import type { DaemonContext } from './DaemonContext.js';
import type { FileStream } from './FileReader.js';
import { DaemonError, type AddOptions, type AddSource, type DaemonControl } from './DaemonControl.js';
import { ManagedTorrent } from './ManagedTorrent.js';
import { dataPaths } from './paths.js';
import { isPort, isRate, readSessionFile, writeSessionFile, type DaemonSettings, type SessionState, type TorrentRecord } from './SessionFile.js';
import type { TorrentLimits } from './TorrentRateLimits.js';
import { torrentDetail, torrentPeers, torrentSummary } from './torrentViews.js';

/** While a torrent runs, the views are told this often that its rates and peers moved (a piece held tells them at once). */
const RUNNING_NOTICE_MS = 1000;

/** The port peers reach the daemon on when neither `--port` nor the settings name one (BEP 3's first, as most clients). */
export const DEFAULT_DAEMON_PEER_PORT = 6881;

export interface DaemonOptions {
  dataDir: string;
  /** The TCP port for every torrent's peers (`--port`); else the one in the settings, else DEFAULT_DAEMON_PEER_PORT. */
  peerPort?: number;
  bind?: string;
  /** Starts the session's DHT node once the peer port is known (its default port); none with --no-dht. */
  startDht?(peerPort: number): Promise<DhtNode | undefined>;
  clock: Clock;
  random: Random;
  diagnostics: Diagnostics;
  version: string;
  /** Fetches an http(s) URL of a .torrent (fetchTorrentUrl.ts). */
  fetchUrl(url: string): Promise<Buffer>;
}

/**
 * `swarmlab daemon`: many torrents on one listening port (incoming peers
 * routed by info-hash), one DHT, global rate limits, and a session file that
 * brings every torrent back after a restart in the state it had.
 */
export class Daemon implements DaemonControl {
  private readonly torrents = new Map<string, ManagedTorrent>();
  private readonly changeListeners = new Set<() => void>();
  private readonly removeListeners = new Set<(id: string) => void>();
  private readonly limits: RateLimits;
  private readonly paths: ReturnType<typeof dataPaths>;
  private readonly context: DaemonContext;
  private readonly cancelNotices: () => void;
  /** Session writes, one after the other, each of the state as it is then. */
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: DaemonOptions,
    private readonly session: BtSession,
    private settings: DaemonSettings,
    private readonly peerPort: number,
    private readonly dht: DhtNode | undefined,
  ) {
    this.paths = dataPaths(options.dataDir);
    this.limits = new RateLimits(options.clock, rateSettings(settings));
    this.context = {
      session,
      dht,
      clock: options.clock,
      random: options.random,
      diagnostics: options.diagnostics,
      localPeerId: makePeerId(options.random, peerIdVersion(options.version)),
      peerPort,
      localAddress: dialFromAddress(options.bind),
      clientVersion: `swarmlab ${options.version}`,
      limits: this.limits,
      torrentFile: (infoHash) => path.join(this.paths.torrents, `${infoHash}.torrent`),
      resumeFile: (infoHash) => path.join(this.paths.resume, `${infoHash}.resume`),
      changed: (torrent) => this.saved(torrent),
      notify: () => this.notify(),
    };
    this.cancelNotices = options.clock.every(RUNNING_NOTICE_MS, () => {
      if ([...this.torrents.values()].some((torrent) => torrent.isRunning)) this.notify();
    });
  }

  /**
   * Reads the session (a SessionFileError when it is unusable), listens on the
   * peer port (PortInUseError), and brings back every torrent: the paused ones
   * as they were, the others started. Nothing is hashed that a resume state vouches for.
   */
  static async open(options: DaemonOptions): Promise<Daemon> {
    const paths = dataPaths(options.dataDir);
    for (const folder of [options.dataDir, paths.torrents, paths.resume]) await fs.mkdir(folder, { recursive: true });
    const state = await readSessionFile(paths.session, () => ({
      settings: { downloadDir: paths.downloads, peerPort: null, downloadRate: null, uploadRate: null, peerDownloadRate: null, peerUploadRate: null, firstRun: true },
      torrents: [],
    }));
    const peerPort = options.peerPort ?? state.settings.peerPort ?? DEFAULT_DAEMON_PEER_PORT;
    const session = new BtSession({ bind: options.bind, port: peerPort, clock: options.clock, diagnostics: options.diagnostics });
    await session.listen();
    const dht = await options.startDht?.(peerPort);
    const daemon = new Daemon(options, session, state.settings, peerPort, dht);
    await daemon.restore(state.torrents);
    return daemon;
  }

  info(): DaemonInfo {
    const { downloadRate, uploadRate, peerDownloadRate, peerUploadRate, downloadDir, firstRun } = this.settings;
    return { version: this.options.version, peerPort: this.peerPort, dhtPort: this.dht?.status().port ?? null, configuredPeerPort: this.settings.peerPort, downloadDir, dataDir: this.options.dataDir, limits: { downloadRate, uploadRate }, peerLimits: { downloadRate: peerDownloadRate, uploadRate: peerUploadRate }, firstRun };
  }

  async updateSettings(patch: SettingsPatch): Promise<DaemonInfo> {
    const next = { ...this.settings };
    if (patch.downloadDir !== undefined) next.downloadDir = absoluteFolder(patch.downloadDir, 'downloadDir');
    if (patch.peerPort !== undefined) {
      if (!isPort(patch.peerPort)) throw new DaemonError('bad-input', `peerPort must be a port number from 1 to 65535, not ${JSON.stringify(patch.peerPort)}`);
      next.peerPort = patch.peerPort;
    }
    Object.assign(next, checkedLimits(patch.limits, 'limits'));
    const peer = checkedLimits(patch.peerLimits, 'peerLimits');
    if (peer.downloadRate !== undefined) next.peerDownloadRate = peer.downloadRate;
    if (peer.uploadRate !== undefined) next.peerUploadRate = peer.uploadRate;
    if (patch.firstRun === false) next.firstRun = false;
    const before = this.settings;
    this.settings = next;
    try {
      await this.save();
    } catch (error) {
      this.settings = before;
      throw new DaemonError('storage', `the settings were not saved: ${(error as Error).message}`);
    }
    this.limits.update(rateSettings(next));
    this.notify();
    return this.info();
  }

  list(): TorrentSummary[] {
    return [...this.torrents.values()].map(torrentSummary);
  }

  get(id: string): TorrentDetail {
    return torrentDetail(this.find(id));
  }

  peers(id: string): TorrentPeer[] {
    return torrentPeers(this.find(id));
  }

  async add(source: AddSource, options: AddOptions): Promise<AddResult> {
    const { meta, link, bytes, magnet } = await this.understand(source);
    const infoHash = (meta?.infoHash ?? link!.infoHash).toString('hex');
    const existing = this.torrents.get(infoHash);
    if (existing) return { added: false, torrent: torrentSummary(existing) };
    const record: TorrentRecord = {
      infoHash,
      dir: options.dir === undefined ? this.settings.downloadDir : absoluteFolder(options.dir, 'dir'),
      paused: options.paused === true,
      addedAtMs: this.options.clock.now(),
      ...(meta ? {} : { magnet }),
    };
    const torrent = new ManagedTorrent(record, this.context, meta, link);
    try {
      if (bytes) await replaceAtomically(this.context.torrentFile(infoHash), bytes);
      this.torrents.set(infoHash, torrent);
      await this.save();
    } catch (error) {
      this.torrents.delete(infoHash);
      await fs.rm(this.context.torrentFile(infoHash), { force: true });
      throw new DaemonError('storage', `the torrent was not added: ${(error as Error).message}`);
    }
    await torrent.load();
    this.notify();
    return { added: true, torrent: torrentSummary(torrent) };
  }

  async updateTorrent(id: string, patch: TorrentPatch): Promise<TorrentDetail> {
    const torrent = this.find(id);
    if (patch.limits) await torrent.setLimits({ ...torrent.limits, ...checkedLimits(patch.limits, 'limits') });
    if (patch.files || patch.firstAndLastFirst !== undefined) await torrent.setFiles(patch.files ?? [], patch.firstAndLastFirst);
    return torrentDetail(torrent);
  }

  file(id: string, fileIndex: number): FileStream {
    return this.find(id).file(fileIndex);
  }

  async pause(id: string): Promise<TorrentSummary> {
    const torrent = this.find(id);
    await torrent.pause();
    return torrentSummary(torrent);
  }

  async resume(id: string): Promise<TorrentSummary> {
    const torrent = this.find(id);
    await torrent.resume();
    return torrentSummary(torrent);
  }

  async recheck(id: string): Promise<TorrentSummary> {
    const torrent = this.find(id);
    if (!torrent.metaInfo) throw new DaemonError('conflict', 'its metadata is not known yet: there is nothing to check');
    void torrent.recheck();
    return torrentSummary(torrent);
  }

  async remove(id: string, options: { deleteData: boolean }): Promise<void> {
    const torrent = this.find(id);
    this.torrents.delete(torrent.infoHash);
    await torrent.remove(options.deleteData);
    await this.save().catch((error: Error) => this.options.diagnostics.error(`the session file was not saved after a removal: ${error.message}`));
    for (const listener of this.removeListeners) listener(torrent.infoHash);
    this.notify();
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onRemoved(listener: (id: string) => void): () => void {
    this.removeListeners.add(listener);
    return () => this.removeListeners.delete(listener);
  }

  /** Stops every torrent (trackers told `stopped`, resume states written), saves the session, closes the port. */
  async close(): Promise<void> {
    this.cancelNotices();
    await Promise.all([...this.torrents.values()].map((torrent) => torrent.close()));
    await this.saving;
    await this.session.close();
    await this.dht?.stop(); // after the torrents that use it; its routing table is saved for the next start
  }

  private async restore(records: readonly TorrentRecord[]): Promise<void> {
    await Promise.all(
      records.map(async (record) => {
        const torrent = new ManagedTorrent(record, this.context, await this.savedMetaInfo(record), savedMagnetLink(record));
        if (!torrent.metaInfo && !torrent.magnetLink) record.error = `its .torrent (${this.context.torrentFile(record.infoHash)}) is missing or unreadable, and no usable magnet link was kept`;
        this.torrents.set(record.infoHash, torrent);
        await torrent.load();
      }),
    );
  }

  private async savedMetaInfo(record: TorrentRecord): Promise<MetaInfo | undefined> {
    const file = this.context.torrentFile(record.infoHash);
    try {
      const meta = parseMetaInfo(await fs.readFile(file), file);
      return meta.infoHash.toString('hex') === record.infoHash ? meta : undefined;
    } catch (error) {
      if (!record.magnet) this.options.diagnostics.error(`${file}: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** What an add names, checked: a usable torrent, or a magnet link; else DaemonError('bad-input'). */
  private async understand(source: AddSource): Promise<{ meta?: MetaInfo; link?: MagnetLink; bytes?: Buffer; magnet?: string }> {
    try {
      if (source.kind === 'magnet') return { link: parseMagnetLink(source.link), magnet: source.link };
      const bytes = source.kind === 'url' ? await this.options.fetchUrl(source.url) : source.bytes;
      return { meta: parseMetaInfo(bytes, source.kind === 'url' ? source.url : 'the torrent'), bytes };
    } catch (error) {
      if (error instanceof MetaInfoError || error instanceof MagnetError || error instanceof DaemonError) throw error instanceof DaemonError ? error : new DaemonError('bad-input', error.message);
      throw error;
    }
  }

  private find(id: string): ManagedTorrent {
    const key = id.toLowerCase();
    const exact = this.torrents.get(key);
    if (exact) return exact;
    const matches = key.length > 0 ? [...this.torrents.values()].filter((torrent) => torrent.infoHash.startsWith(key)) : [];
    if (matches.length === 1) return matches[0];
    if (matches.length === 0) throw new DaemonError('not-found', `no torrent ${id}`);
    throw new DaemonError('ambiguous', `${id} is the start of ${matches.length} torrents' info-hashes (${matches.map((t) => t.infoHash.slice(0, 12)).join(', ')}): give more of it`);
  }

  /** A torrent's saved part changed: the session file is written; when that fails, the torrent stops with the error. */
  private async saved(torrent: ManagedTorrent): Promise<void> {
    this.notify();
    if (!this.torrents.has(torrent.infoHash)) return;
    try {
      await this.save();
    } catch (error) {
      const message = `the session file could not be written (${(error as Error).message}); the previous one is kept`;
      this.options.diagnostics.error(message);
      if (!torrent.error) void torrent.fail(message);
    }
  }

  private save(): Promise<void> {
    const write = this.saving.catch(() => undefined).then(() => writeSessionFile(this.paths.session, this.snapshot()));
    this.saving = write;
    return write;
  }

  private snapshot(): SessionState {
    return { settings: { ...this.settings }, torrents: [...this.torrents.values()].map((torrent) => ({ ...torrent.record })) };
  }

  private notify(): void {
    for (const listener of this.changeListeners) listener();
  }
}

/** The magnet link a session kept for a torrent whose metadata had not come; none when it is unusable (edited by hand). */
function savedMagnetLink(record: TorrentRecord): MagnetLink | undefined {
  try {
    return record.magnet ? parseMagnetLink(record.magnet) : undefined;
  } catch (error) {
    if (error instanceof MagnetError) return undefined;
    throw error;
  }
}

function rateSettings(settings: DaemonSettings): RateLimitSettings {
  return {
    downloadBytesPerSecond: settings.downloadRate ?? undefined,
    uploadBytesPerSecond: settings.uploadRate ?? undefined,
    neighbourDownloadBytesPerSecond: settings.peerDownloadRate ?? undefined,
    neighbourUploadBytesPerSecond: settings.peerUploadRate ?? undefined,
  };
}

/** The rates a patch sets (null: no limit), checked; DaemonError('bad-input') names a bad one. */
function checkedLimits(limits: Partial<TorrentLimits> | undefined, what: string): Partial<TorrentLimits> {
  const checked: Partial<TorrentLimits> = {};
  for (const key of ['downloadRate', 'uploadRate'] as const) {
    const rate = limits?.[key];
    if (rate === undefined) continue;
    if (!isRate(rate)) throw new DaemonError('bad-input', `${what}.${key} must be null (no limit) or a positive number of bytes per second`);
    checked[key] = rate;
  }
  return checked;
}

function absoluteFolder(dir: string, what: string): string {
  if (typeof dir !== 'string' || !path.isAbsolute(dir)) throw new DaemonError('bad-input', `${what} must be an absolute path, not ${JSON.stringify(dir)}`);
  return path.normalize(dir);
}
