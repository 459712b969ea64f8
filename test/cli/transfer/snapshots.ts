import type { PeerFigures, TransferSnapshot } from '../../../src/cli/transfer/TransferSnapshot.js';

const MiB = 1024 * 1024;

/** ubuntu.iso, 1221 pieces of 1 MiB, 120 verified, downloading at 12.3 MiB/s from 3 peers (1 a seed), 12.3 s in; change what a case is about. */
export function snapshot(change: Partial<TransferSnapshot> = {}): TransferSnapshot {
  return {
    name: 'ubuntu.iso',
    atMs: 12_300,
    startedAtMs: 0,
    pieceCount: 1221,
    piecesDone: 120,
    bytesTotal: 1221 * MiB,
    bytesDone: 120 * MiB,
    downloadBytesPerSecond: 12.3 * MiB,
    uploadBytesPerSecond: 0,
    peersConnected: 3,
    seedsConnected: 1,
    phase: 'downloading',
    peers: [],
    ...change,
  };
}

export function peer(client: string, bytesDownloaded: number, bytesUploaded = 0, address = '127.0.0.1:6881'): PeerFigures {
  return { client, address, bytesDownloaded, bytesUploaded };
}

export { MiB };
