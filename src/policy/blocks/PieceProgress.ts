import type { PeerKey } from './BlockGeometry.js';

/**
 * One block's state (architecture.md, practice 6: explicit states, not
 * booleans): nobody asked for it; asked of these peers (more than one only in
 * the end game); arrived from one peer; or its piece passed its hash check.
 */
export type BlockState =
  | { readonly kind: 'none' }
  | { readonly kind: 'requested'; readonly by: ReadonlySet<PeerKey> }
  | { readonly kind: 'received'; readonly from: PeerKey }
  | { readonly kind: 'done' };

/** A started piece gathers blocks; once all are in it is being hashed. */
export type ProgressPhase = 'downloading' | 'hashing';

const NONE: BlockState = Object.freeze({ kind: 'none' });

/**
 * The blocks of one piece we have started, until it is verified or fails its
 * hash. Each block's state is kept in two slots, who was asked and who sent
 * it, not in an object per block: at 150 MiB/s ten thousand blocks a second
 * change state, and objects living that long were most of what a download
 * promoted to V8's old generation (its memory grew through the transfer).
 * state() builds the object form when asked.
 */
export class PieceProgress {
  /** Per block: the peer asked for it, several (the end game), or nobody. */
  private readonly askedOf: (PeerKey | Set<PeerKey> | undefined)[];
  /** Per block: the peer it came from, once it has. */
  private readonly sentBy: (PeerKey | undefined)[];
  /** Blocks nobody is asked for: what a normal (not end-game) request takes. */
  noneCount: number;
  private receivedCount = 0;

  constructor(
    readonly index: number,
    blockCount: number,
  ) {
    this.askedOf = new Array<PeerKey | Set<PeerKey> | undefined>(blockCount).fill(undefined);
    this.sentBy = new Array<PeerKey | undefined>(blockCount).fill(undefined);
    this.noneCount = blockCount;
  }

  /** Every block in: the piece awaits its hash. */
  get phase(): ProgressPhase {
    return this.isComplete ? 'hashing' : 'downloading';
  }

  get blockCount(): number {
    return this.sentBy.length;
  }

  get isComplete(): boolean {
    return this.receivedCount === this.sentBy.length;
  }

  state(blockNumber: number): BlockState {
    const from = this.sentBy[blockNumber];
    if (from !== undefined) return { kind: 'received', from };
    const asked = this.askedOf[blockNumber];
    if (asked === undefined) return NONE;
    return { kind: 'requested', by: asked instanceof Set ? asked : new Set([asked]) };
  }

  /** How many peers are asked for the block now (0 once it arrived). */
  askedCount(blockNumber: number): number {
    const asked = this.askedOf[blockNumber];
    return asked === undefined ? 0 : asked instanceof Set ? asked.size : 1;
  }

  /** The first block nobody is asked for and not `excluded`, if any. */
  firstNone(excluded: (blockNumber: number) => boolean): number | undefined {
    if (this.noneCount === 0) return undefined;
    for (let blockNumber = 0; blockNumber < this.sentBy.length; blockNumber++) {
      if (this.sentBy[blockNumber] === undefined && this.askedOf[blockNumber] === undefined && !excluded(blockNumber)) return blockNumber;
    }
    return undefined;
  }

  /** Marks the block asked of `peer`; returns true when nobody was asked for it before. */
  request(blockNumber: number, peer: PeerKey): boolean {
    if (this.sentBy[blockNumber] !== undefined) throw new RangeError(`block ${blockNumber} of piece ${this.index} already received`);
    const asked = this.askedOf[blockNumber];
    if (asked === undefined) {
      this.askedOf[blockNumber] = peer;
      this.noneCount--;
      return true;
    }
    if (asked instanceof Set) asked.add(peer);
    else if (asked !== peer) this.askedOf[blockNumber] = new Set([asked, peer]);
    return false;
  }

  /** `peer` will not send the block; returns true when nobody is asked for it any more. */
  release(blockNumber: number, peer: PeerKey): boolean {
    const asked = this.askedOf[blockNumber];
    if (asked instanceof Set) {
      if (asked.delete(peer) && asked.size === 1) this.askedOf[blockNumber] = asked.values().next().value;
      return false;
    }
    if (asked === undefined || asked !== peer) return false;
    this.askedOf[blockNumber] = undefined;
    this.noneCount++;
    return true;
  }

  /**
   * The block arrived from `peer`. Returns undefined when it had already
   * arrived (a duplicate), else what it was before: asked of nobody, or requested.
   */
  receive(blockNumber: number, peer: PeerKey): 'none' | 'requested' | undefined {
    if (this.sentBy[blockNumber] !== undefined) return undefined;
    const before = this.askedOf[blockNumber] === undefined ? 'none' : 'requested';
    if (before === 'none') this.noneCount--;
    this.askedOf[blockNumber] = undefined;
    this.sentBy[blockNumber] = peer;
    this.receivedCount++;
    return before;
  }

  /** The peers whose blocks make up the piece, each once, in block order: who to suspect when the hash fails. */
  contributors(): PeerKey[] {
    return [...new Set(this.sentBy.filter((peer): peer is PeerKey => peer !== undefined))];
  }
}
