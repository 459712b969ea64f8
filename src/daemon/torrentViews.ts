import type { Bitfield } from '../core/Bitfield.js';
import type { MetaInfo } from '../metainfo/MetaInfo.js';
import { FileMap } from '../storage/FileMap.js';
import type { FilePriority, TorrentDetail, TorrentFile, TorrentPeer, TorrentSummary, TorrentTracker } from './api/contract.js';
import type { ManagedTorrent } from './ManagedTorrent.js';

/** A torrent as the list shows it. */
export function torrentSummary(managed: ManagedTorrent): TorrentSummary {
  const meta = managed.metaInfo;
  const status = managed.torrent?.status();
  const pieces = managed.pieces;
  const doneBytes = meta && pieces ? heldBytes(new FileMap(meta.files, meta.pieceLength), pieces) : 0;
  const totals = managed.transferTotals;
  const priorities = managed.priorities;
  // Only with a file skipped does progress differ from the bytes held over the size: the files are looked at then alone.
  const wanted = meta && pieces && priorities.includes('skip') ? wantedProgress(filesOf(meta, pieces, priorities)) : undefined;
  return {
    id: managed.infoHash,
    infoHash: managed.infoHash,
    name: meta?.name ?? managed.magnetLink?.displayName ?? managed.infoHash,
    state: managed.state,
    progress: wanted ?? (meta && meta.length > 0 ? doneBytes / meta.length : meta ? 1 : 0),
    sizeBytes: meta?.length ?? null,
    doneBytes,
    downloadRate: status?.downloadBytesPerSecond ?? 0,
    uploadRate: status?.uploadBytesPerSecond ?? 0,
    peers: status?.peersConnected ?? 0,
    seeds: status?.seedsConnected ?? 0,
    downloadedBytes: totals.bytesDownloaded,
    uploadedBytes: totals.bytesUploaded,
    dir: managed.record.dir,
    addedAtMs: managed.record.addedAtMs,
    error: managed.error ?? null,
  };
}

/** A torrent's page: its files, trackers and piece map besides the summary. */
export function torrentDetail(managed: ManagedTorrent): TorrentDetail {
  const meta = managed.metaInfo;
  const pieces = managed.pieces;
  return {
    ...torrentSummary(managed),
    limits: managed.limits,
    firstAndLastFirst: managed.firstAndLastFirst,
    pieceLength: meta?.pieceLength ?? null,
    pieceCount: meta?.pieceCount ?? null,
    pieces: pieces ? pieces.toBuffer().toString('hex') : '',
    magnet: magnetOf(managed),
    files: meta && pieces ? filesOf(meta, pieces, managed.priorities) : [],
    trackers: trackersOf(managed),
  };
}

/** The peers connected now; while paused, those it had then. */
export function torrentPeers(managed: ManagedTorrent): TorrentPeer[] {
  return managed.peers;
}

/** Bytes of the pieces held (the last piece may be short). */
function heldBytes(map: FileMap, pieces: Bitfield): number {
  if (pieces.isComplete) return map.totalLength;
  let bytes = 0;
  for (let index = 0; index < map.pieceCount; index++) if (pieces.has(index)) bytes += map.lengthOfPiece(index);
  return bytes;
}

/** The wanted files' bytes held over their size (the contract's "bytes held over bytes wanted"). */
function wantedProgress(files: readonly TorrentFile[]): number {
  const wanted = files.filter((file) => file.priority !== 'skip');
  const size = wanted.reduce((sum, file) => sum + file.sizeBytes, 0);
  return size === 0 ? 1 : wanted.reduce((sum, file) => sum + file.doneBytes, 0) / size;
}

function filesOf(meta: MetaInfo, pieces: Bitfield, priorities: readonly FilePriority[]): TorrentFile[] {
  const map = new FileMap(meta.files, meta.pieceLength);
  const done = meta.files.map(() => 0);
  for (let index = 0; index < map.pieceCount; index++) {
    if (!pieces.has(index)) continue;
    for (const segment of map.segments(index, 0, map.lengthOfPiece(index))) done[segment.fileIndex] += segment.length;
  }
  return meta.files.flatMap((file, index) => {
    if (file.padding) return [];
    const { first, end } = map.piecesOfFile(index);
    let piecesHeld = 0;
    for (let piece = first; piece < end; piece++) if (pieces.has(piece)) piecesHeld++;
    return [{ index, path: file.path.join('/'), sizeBytes: file.length, doneBytes: done[index], pieceCount: end - first, piecesHeld, priority: priorities[index] }];
  });
}

function trackersOf(managed: ManagedTorrent): TorrentTracker[] {
  const tiers = managed.metaInfo?.trackerTiers ?? managed.magnetLink?.trackers.map((url) => [url]) ?? [];
  const status = managed.tracker?.status();
  return tiers.flatMap((urls, tier) =>
    urls.map((url) => ({
      url,
      tier,
      status: !status || status.state === 'idle' || status.state === 'stopped' ? ('idle' as const) : status.lastAnswered === url ? ('working' as const) : status.failuresInARow > 0 ? ('error' as const) : ('announcing' as const),
      message: status && status.failuresInARow > 0 && status.lastAnswered !== url ? `no answer in ${status.failuresInARow} announce(s) in a row` : null,
      peers: 0,
      lastAnnounceAtMs: null,
    })),
  );
}

/** A magnet link that finds this torrent again: its info-hash, name and trackers (BEP 9). */
function magnetOf(managed: ManagedTorrent): string {
  const name = managed.metaInfo?.name ?? managed.magnetLink?.displayName;
  const trackers = managed.metaInfo?.trackerTiers.flat() ?? managed.magnetLink?.trackers ?? [];
  const parts = [`xt=urn:btih:${managed.infoHash}`, ...(name ? [`dn=${encodeURIComponent(name)}`] : []), ...trackers.map((url) => `tr=${encodeURIComponent(url)}`)];
  return `magnet:?${parts.join('&')}`;
}
