import type { FileStream } from '../../src/daemon/FileReader.js';
import { DaemonError, type AddOptions, type AddSource, type DaemonControl } from '../../src/daemon/DaemonControl.js';
import type { AddResult, DaemonInfo, SettingsPatch, TorrentDetail, TorrentPatch, TorrentPeer, TorrentSummary } from '../../src/daemon/api/contract.js';

/** Two torrents whose ids share the prefix "ab12", so that it is ambiguous and "ab12c" is not. */
export const ALPHA: TorrentSummary = {
  id: 'ab12c3d4e5f60718293a4b5c6d7e8f9012345678',
  infoHash: 'ab12c3d4e5f60718293a4b5c6d7e8f9012345678',
  name: 'alpha.iso',
  state: 'downloading',
  progress: 0.25,
  sizeBytes: 4_194_304,
  doneBytes: 1_048_576,
  downloadRate: 204_800,
  uploadRate: 10_240,
  peers: 5,
  seeds: 2,
  downloadedBytes: 1_100_000,
  uploadedBytes: 50_000,
  dir: '/srv/downloads',
  addedAtMs: 1_764_000_000_000,
  error: null,
};
export const BETA: TorrentSummary = {
  ...ALPHA,
  id: 'ab12ffeeddccbbaa99887766554433221100aabb',
  infoHash: 'ab12ffeeddccbbaa99887766554433221100aabb',
  name: 'beta "quoted"\nname',
  state: 'seeding',
  progress: 1,
  sizeBytes: 1000,
  doneBytes: 1000,
  downloadRate: 0,
  uploadRate: 0,
  peers: 0,
  seeds: 0,
  downloadedBytes: 1000,
  uploadedBytes: 3000,
};
export const ADDED: TorrentSummary = { ...ALPHA, id: '0123456789abcdef0123456789abcdef01234567', infoHash: '0123456789abcdef0123456789abcdef01234567', name: 'new one', state: 'metadata', progress: 0, sizeBytes: null, doneBytes: 0 };

export const INFO: DaemonInfo = {
  version: '0.1.0',
  peerPort: 6881,
  dhtPort: 6881,
  configuredPeerPort: null,
  downloadDir: '/srv/downloads',
  dataDir: '/var/lib/swarmlab',
  limits: { downloadRate: null, uploadRate: 1_000_000 },
  peerLimits: { downloadRate: null, uploadRate: null },
  firstRun: true,
};

export const PEERS: TorrentPeer[] = [{ address: '127.0.0.1:51413', client: 'Transmission 4.0', flags: 'uIE', direction: 'outbound', downloadRate: 1000, uploadRate: 0, progress: 0.5 }];

export interface DaemonCall {
  method: keyof DaemonControl;
  args: unknown[];
}

/** A DaemonControl that records each call and answers with the canned torrents above (ids resolved by unique prefix, as the daemon does). */
export class FakeDaemon implements DaemonControl {
  readonly calls: DaemonCall[] = [];
  torrents: TorrentSummary[] = [ALPHA, BETA];
  /** What add answers. */
  addResult: AddResult = { added: true, torrent: ADDED };
  /** Thrown by the next call, once. */
  failNext: Error | undefined;
  private readonly changeListeners = new Set<() => void>();
  private readonly removedListeners = new Set<(id: string) => void>();

  info(): DaemonInfo {
    return this.record('info', [], () => INFO);
  }

  async updateSettings(patch: SettingsPatch): Promise<DaemonInfo> {
    return this.record('updateSettings', [patch], () => ({ ...INFO, ...(patch.downloadDir ? { downloadDir: patch.downloadDir } : {}) }));
  }

  list(): TorrentSummary[] {
    return this.record('list', [], () => this.torrents);
  }

  get(id: string): TorrentDetail {
    return this.record('get', [id], () => ({ ...this.find(id), limits: { downloadRate: null, uploadRate: null }, firstAndLastFirst: false, pieceLength: 262_144, pieceCount: 16, pieces: 'f000', magnet: `magnet:?xt=urn:btih:${this.find(id).id}`, files: [], trackers: [] }));
  }

  peers(id: string): TorrentPeer[] {
    return this.record('peers', [id], () => (this.find(id), PEERS));
  }

  async add(source: AddSource, options: AddOptions): Promise<AddResult> {
    return this.record('add', [source, options], () => this.addResult);
  }

  async updateTorrent(id: string, patch: TorrentPatch): Promise<TorrentDetail> {
    const page = this.get(id);
    this.calls.pop();
    return this.record('updateTorrent', [id, patch], () => ({ ...page, limits: { ...page.limits, ...patch.limits } }));
  }

  /** File 0 of every torrent: these bytes, read in chunks of 7 (file 1 and on: none). */
  fileBytes = Buffer.from('The quick brown fox jumps over the lazy dog.');

  file(id: string, fileIndex: number): FileStream {
    return this.record('file', [id, fileIndex], () => {
      this.find(id);
      if (fileIndex !== 0) throw new DaemonError('not-found', `the torrent has no file ${fileIndex}`);
      const bytes = this.fileBytes;
      return {
        path: 'folder/fox.txt',
        size: bytes.length,
        async read(start: number, end: number, write: (chunk: Buffer) => Promise<void>, signal: AbortSignal) {
          for (let at = start; at <= end && !signal.aborted; at += 7) await write(bytes.subarray(at, Math.min(at + 7, end + 1)));
        },
      };
    });
  }

  async pause(id: string): Promise<TorrentSummary> {
    return this.record('pause', [id], () => ({ ...this.find(id), state: 'paused' }));
  }

  async resume(id: string): Promise<TorrentSummary> {
    return this.record('resume', [id], () => ({ ...this.find(id), state: 'downloading' }));
  }

  async recheck(id: string): Promise<TorrentSummary> {
    return this.record('recheck', [id], () => ({ ...this.find(id), state: 'checking' }));
  }

  async remove(id: string, options: { deleteData: boolean }): Promise<void> {
    this.record('remove', [id, options], () => this.find(id));
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onRemoved(listener: (id: string) => void): () => void {
    this.removedListeners.add(listener);
    return () => this.removedListeners.delete(listener);
  }

  /** As the daemon does when a torrent's state, progress or rates change. */
  changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  removed(id: string): void {
    for (const listener of this.removedListeners) listener(id);
  }

  get listeners(): number {
    return this.changeListeners.size + this.removedListeners.size;
  }

  callsOf(method: keyof DaemonControl): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  private record<T>(method: keyof DaemonControl, args: unknown[], answer: () => T): T {
    this.calls.push({ method, args });
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    return answer();
  }

  private find(id: string): TorrentSummary {
    const matches = this.torrents.filter((t) => t.id.startsWith(id.toLowerCase()));
    if (matches.length === 0) throw new DaemonError('not-found', `no torrent has the id ${id}`);
    if (matches.length > 1) throw new DaemonError('ambiguous', `${id} is the start of ${matches.length} torrents' ids: give more of it`);
    return matches[0];
  }
}
