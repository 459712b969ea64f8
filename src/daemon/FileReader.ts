import type { MetaInfo } from '../metainfo/MetaInfo.js';
import { FileMap } from '../storage/FileMap.js';
import type { TorrentStore } from '../storage/TorrentStore.js';
import type { Torrent } from '../torrent/Torrent.js';
import { pieceBuffers } from '../wire/BufferPool.js';
import { DaemonError } from './DaemonControl.js';

/** Bytes read from disk at a time: one pooled buffer, written to the client before the next. */
const READ_CHUNK_BYTES = 256 * 1024;

/** What a stream reads through: the torrent while it runs, and a wait for each piece it lacks. */
export interface PieceSource {
  /** The files and swarm while started; undefined while checking, paused or in error. */
  running(): { store: TorrentStore; torrent: Torrent } | undefined;
  /** Asks for these pieces first, now or once the torrent starts; [] for none. */
  prioritise(pieces: readonly number[]): void;
  /** Resolves once piece `index` is held; rejects when the torrent stops first or `signal` aborts. */
  whenHeld(index: number, signal: AbortSignal): Promise<void>;
}

/** One file of a torrent as the stream route serves it. */
export interface FileStream {
  /** Its name inside the torrent, '/'-separated. */
  path: string;
  size: number;
  /**
   * Writes bytes `start` to `end` (inclusive) of the file to `write`, in
   * order; pieces not yet held are asked for before any other (in the order
   * they will be read) and waited for. Stops when `signal` aborts.
   */
  read(start: number, end: number, write: (chunk: Buffer) => Promise<void>, signal: AbortSignal): Promise<void>;
}

/** File `fileIndex` of `meta`, read from `source`; DaemonError('not-found') for a file it does not have. */
export function fileStream(meta: MetaInfo, fileIndex: number, source: PieceSource): FileStream {
  const file = meta.files[fileIndex];
  if (!file || file.padding) throw new DaemonError('not-found', `the torrent has no file ${fileIndex} (it has ${meta.files.filter((f) => !f.padding).length}, from 0)`);
  const fileStart = new FileMap(meta.files, meta.pieceLength).fileStart(fileIndex);
  const { pieceLength } = meta;
  return {
    path: file.path.join('/'),
    size: file.length,
    async read(start, end, write, signal) {
      const first = fileStart + start;
      const last = fileStart + end;
      const firstPiece = Math.floor(first / pieceLength);
      const lastPiece = Math.floor(last / pieceLength);
      const pieces = Array.from({ length: lastPiece - firstPiece + 1 }, (_, i) => firstPiece + i);
      source.prioritise(pieces);
      try {
        for (let at = first; at <= last && !signal.aborted; ) {
          const index = Math.floor(at / pieceLength);
          await source.whenHeld(index, signal);
          const running = source.running();
          if (!running) throw new DaemonError('conflict', 'the torrent stopped while its file was being read');
          const length = Math.min(last + 1 - at, (index + 1) * pieceLength - at, READ_CHUNK_BYTES);
          const bytes = await running.store.readBlock({ index, begin: at - index * pieceLength, length });
          try {
            await write(bytes);
          } finally {
            pieceBuffers.release(bytes);
          }
          at += length;
        }
      } finally {
        source.prioritise([]);
      }
    },
  };
}
