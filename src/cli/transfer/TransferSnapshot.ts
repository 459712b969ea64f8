/** What the engine says of one peer of this run, for the progress line and the summary. */
export interface PeerFigures {
  /** 'aria2/1.37.0', 'libtorrent/2.0.10', 'swarmlab/0.1.0' (from the BEP 10 handshake `v`, else from the Azureus peer id), or 'unknown'. */
  client: string;
  /** '127.0.0.1:6881' */
  address: string;
  /** Payload bytes we got from it, this run. */
  bytesDownloaded: number;
  /** Payload bytes we sent it, this run. */
  bytesUploaded: number;
}

export type TransferPhase = 'checking' | 'downloading' | 'seeding' | 'stopping';

/** The engine's state at one moment, as `swarmlab download` and `swarmlab seed` show it. */
export interface TransferSnapshot {
  /** The torrent's name. */
  name: string;
  /** Clock time of the snapshot. */
  atMs: number;
  startedAtMs: number;
  /** When the last missing piece was verified, this run (optional: the summary times the download by it, else by atMs). */
  completedAtMs?: number;
  pieceCount: number;
  /** Verified pieces. */
  piecesDone: number;
  bytesTotal: number;
  /** Verified bytes. */
  bytesDone: number;
  downloadBytesPerSecond: number;
  uploadBytesPerSecond: number;
  peersConnected: number;
  seedsConnected: number;
  phase: TransferPhase;
  /** Peers of this run, including those already gone (for the summary). */
  peers: PeerFigures[];
}
