import type { TorrentSummary } from '../../src/daemon/api/contract.js';

/** A torrent as the daemon would list it; `patch` sets what the test cares about. */
export function summary(patch: Partial<TorrentSummary> & Pick<TorrentSummary, 'id' | 'name'>): TorrentSummary {
  return {
    infoHash: patch.id,
    state: 'downloading',
    progress: 0.5,
    sizeBytes: 4 * 1024 * 1024,
    doneBytes: 2 * 1024 * 1024,
    downloadRate: 150 * 1024,
    uploadRate: 20 * 1024,
    peers: 3,
    seeds: 1,
    downloadedBytes: 2 * 1024 * 1024,
    uploadedBytes: 512 * 1024,
    dir: '/downloads',
    addedAtMs: 1_700_000_000_000,
    error: null,
    ...patch,
  };
}
