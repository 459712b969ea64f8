import { Bitfield } from '../../core/Bitfield.js';
import type { BlockRef } from '../../core/BlockRef.js';
import type { BlockGeometry, PeerKey } from './BlockGeometry.js';
import { PieceProgress, type BlockState } from './PieceProgress.js';

/** A piece's place on the way to "have": nothing asked, blocks coming, being hashed, verified. */
export type PiecePhase = 'missing' | 'downloading' | 'hashing' | 'verified';

/** A block that had already arrived is a duplicate; else it is taken, and may be its piece's last. */
export type BlockReceipt = { readonly outcome: 'duplicate' } | { readonly outcome: 'accepted'; readonly pieceComplete: boolean };

/** Made once: a receipt per block would be garbage. */
const DUPLICATE: BlockReceipt = Object.freeze({ outcome: 'duplicate' });
const ACCEPTED: BlockReceipt = Object.freeze({ outcome: 'accepted', pieceComplete: false });
const ACCEPTED_LAST: BlockReceipt = Object.freeze({ outcome: 'accepted', pieceComplete: true });

/**
 * Every block's state, piece by piece (architecture.md: "PieceTracker (block
 * states, then hash, then have)"): blocks are requested, released and
 * received; a piece whose blocks are all in is hashed by the caller, then
 * verified, or failed and started over. Only started pieces keep per-block
 * state, so a torrent of many pieces costs a bit per piece until it is begun.
 */
export class BlockTracker {
  /** Pieces that passed their hash check. */
  readonly verified: Bitfield;
  /** Pieces begun or being hashed: a new piece is chosen among the others. */
  readonly started: Bitfield;
  private readonly progress = new Map<number, PieceProgress>();
  /** Blocks of pieces neither verified nor being hashed that nobody is asked for: zero means end game. */
  private unrequested: number;

  constructor(readonly geometry: BlockGeometry) {
    this.verified = new Bitfield(geometry.pieceCount);
    this.started = new Bitfield(geometry.pieceCount);
    this.unrequested = geometry.totalBlocks;
  }

  phaseOf(index: number): PiecePhase {
    if (this.verified.has(index)) return 'verified';
    return this.progress.get(index)?.phase ?? 'missing';
  }

  stateOf(ref: BlockRef): BlockState {
    const blockNumber = this.blockNumber(ref);
    if (this.verified.has(ref.index)) return { kind: 'done' };
    return this.progress.get(ref.index)?.state(blockNumber) ?? { kind: 'none' };
  }

  /** The pieces still gathering blocks. */
  downloading(): PieceProgress[] {
    return [...this.progress.values()].filter((piece) => piece.phase === 'downloading');
  }

  /** End game: every block we still lack is asked of someone or already here. */
  get isEndGame(): boolean {
    return this.unrequested === 0 && !this.verified.isComplete;
  }

  request(ref: BlockRef, peer: PeerKey): void {
    const blockNumber = this.blockNumber(ref);
    if (this.progress.get(ref.index)?.phase === 'hashing' || this.verified.has(ref.index)) {
      throw new RangeError(`piece ${ref.index} is ${this.phaseOf(ref.index)}: none of its blocks can be requested`);
    }
    if (this.begin(ref.index).request(blockNumber, peer)) this.unrequested--;
  }

  /** How many peers are asked for the block now (none once it arrived, or for a piece not begun). */
  askedCount(ref: BlockRef): number {
    return this.progress.get(ref.index)?.askedCount(this.blockNumber(ref)) ?? 0;
  }

  release(ref: BlockRef, peer: PeerKey): void {
    if (this.progress.get(ref.index)?.release(this.blockNumber(ref), peer)) this.unrequested++;
  }

  receive(ref: BlockRef, peer: PeerKey): BlockReceipt {
    const blockNumber = this.blockNumber(ref);
    if (this.verified.has(ref.index)) return DUPLICATE;
    const piece = this.begin(ref.index);
    const before = piece.receive(blockNumber, peer);
    if (before === undefined) return DUPLICATE;
    if (before === 'none') this.unrequested--;
    return piece.isComplete ? ACCEPTED_LAST : ACCEPTED;
  }

  /** A piece held from the start (resumed or rechecked): it is never asked for. */
  held(index: number): void {
    if (this.verified.has(index) || this.progress.has(index)) return;
    this.verified.set(index);
    this.unrequested -= this.geometry.blockCountOf(index);
  }

  /** The piece's hash matched: we have it. */
  pieceVerified(index: number): void {
    this.hashed(index);
    this.progress.delete(index);
    this.started.unset(index);
    this.verified.set(index);
  }

  /**
   * The piece's hash did not match: its blocks are all wanted again, and the
   * peers that sent them are returned so the caller can put them on parole.
   */
  pieceFailed(index: number): PeerKey[] {
    const contributors = this.hashed(index).contributors();
    this.progress.delete(index);
    this.started.unset(index);
    this.unrequested += this.geometry.blockCountOf(index);
    return contributors;
  }

  private hashed(index: number): PieceProgress {
    const piece = this.progress.get(index);
    if (piece?.phase !== 'hashing') throw new RangeError(`piece ${index} is ${this.phaseOf(index)}, not being hashed`);
    return piece;
  }

  private begin(index: number): PieceProgress {
    let piece = this.progress.get(index);
    if (!piece) {
      piece = new PieceProgress(index, this.geometry.blockCountOf(index));
      this.progress.set(index, piece);
      this.started.set(index);
    }
    return piece;
  }

  private blockNumber(ref: BlockRef): number {
    const blockNumber = this.geometry.blockNumberOf(ref);
    if (blockNumber === undefined) throw new RangeError(`not a block of this torrent: ${JSON.stringify(ref)}`);
    return blockNumber;
  }
}
