import type { FileStream } from './FileReader.js';
import type { AddResult, DaemonInfo, SettingsPatch, TorrentPatch, TorrentDetail, TorrentPeer, TorrentSummary } from './api/contract.js';

/** What an add names: a .torrent's bytes, a magnet link, or an http(s) URL of a .torrent (the daemon fetches it). */
export type AddSource = { kind: 'torrent'; bytes: Buffer } | { kind: 'magnet'; link: string } | { kind: 'url'; url: string };

export interface AddOptions {
  dir?: string;
  paused?: boolean;
}

/** Why a request cannot be done: the API turns `kind` into a status (400, 404, 409, 413, 507). */
export class DaemonError extends Error {
  constructor(
    readonly kind: 'bad-input' | 'not-found' | 'ambiguous' | 'conflict' | 'too-large' | 'storage',
    message: string,
  ) {
    super(message);
    this.name = 'DaemonError';
  }
}

/**
 * The daemon as its API sees it. `id` is an info-hash in hex or a unique
 * prefix of one; an unknown one throws DaemonError('not-found'), one that fits
 * several torrents DaemonError('ambiguous').
 */
export interface DaemonControl {
  info(): DaemonInfo;
  updateSettings(patch: SettingsPatch): Promise<DaemonInfo>;
  list(): TorrentSummary[];
  get(id: string): TorrentDetail;
  peers(id: string): TorrentPeer[];
  add(source: AddSource, options: AddOptions): Promise<AddResult>;
  /** Its limits; answers its page. */
  updateTorrent(id: string, patch: TorrentPatch): Promise<TorrentDetail>;
  /** File `fileIndex` of a torrent, to read while it downloads (DaemonError not-found for no such file, conflict before the metadata). */
  file(id: string, fileIndex: number): FileStream;
  pause(id: string): Promise<TorrentSummary>;
  resume(id: string): Promise<TorrentSummary>;
  recheck(id: string): Promise<TorrentSummary>;
  remove(id: string, options: { deleteData: boolean }): Promise<void>;
  /** Called after anything a list shows changed (state, progress, rates); returns the unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Called with the id of each torrent removed; returns the unsubscribe. */
  onRemoved(listener: (id: string) => void): () => void;
}
