import { MAX_METADATA_BYTES, METADATA_PIECE_BYTES, metadataPieceCount, type UtMetadataMessage } from '../wire/bt/UtMetadata.js';

export interface MetadataServerOptions {
  /** Milliseconds, monotonic. */
  now: () => number;
  /** Requests one peer may make per minute before the rest are rejected; by default, enough to fetch the metadata twice. */
  maxRequestsPerMinute?: number;
}

const MINUTE_MS = 60_000;

/**
 * Answers peers' ut_metadata requests (BEP 9) from our info dictionary: the
 * piece asked for, or a reject for a piece past the end, before we have the
 * metadata (a magnet download under way), and past a peer's allowance per
 * minute (a peer asking again and again costs us a bounded upload).
 */
export class MetadataServer<Peer> {
  private infoDictionary: Buffer | undefined;
  /** Per peer, the start of its current minute and how many requests it made in it. Forget a peer when it leaves. */
  private readonly windows = new Map<Peer, { startMs: number; count: number }>();

  constructor(private readonly options: MetadataServerOptions) {}

  /**
   * The info dictionary to serve, once we have it. One over MAX_METADATA_BYTES
   * is not served (peers would refuse it): metadataSize stays undefined.
   */
  setInfoDictionary(infoDictionary: Buffer): void {
    this.infoDictionary = infoDictionary.length <= MAX_METADATA_BYTES ? infoDictionary : undefined;
  }

  /** BEP 9's `metadata_size` for our extension handshake, or undefined when we have nothing to serve (leave it out). */
  get metadataSize(): number | undefined {
    return this.infoDictionary?.length;
  }

  /** The answer to `peer`'s request for piece `piece`: its data or a reject. */
  answer(peer: Peer, piece: number): UtMetadataMessage {
    const metadata = this.infoDictionary;
    if (!metadata || piece >= metadataPieceCount(metadata.length) || !this.allow(peer, metadata.length)) return { type: 'reject', piece };
    const start = piece * METADATA_PIECE_BYTES;
    return { type: 'data', piece, totalSize: metadata.length, data: metadata.subarray(start, start + METADATA_PIECE_BYTES) };
  }

  /** The peer is gone: its allowance is forgotten, so memory stays bounded by the peers we have. */
  forgetPeer(peer: Peer): void {
    this.windows.delete(peer);
  }

  private allow(peer: Peer, size: number): boolean {
    const now = this.options.now();
    const limit = this.options.maxRequestsPerMinute ?? 2 * metadataPieceCount(size);
    let window = this.windows.get(peer);
    if (!window || now - window.startMs >= MINUTE_MS) {
      window = { startMs: now, count: 0 };
      this.windows.set(peer, window);
    }
    return ++window.count <= limit;
  }
}
