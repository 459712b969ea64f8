import type { PeerKey } from './BlockGeometry.js';

/**
 * One block's state (architecture.md, practice 6: explicit states, not
 * booleans): nobody asked for it; asked of these peers, each at a time (more
 * than one only in the end game); arrived from one peer; or its piece passed
 * its hash check.
 */
export type BlockState =
  | { readonly kind: 'none' }
  | { readonly kind: 'requested'; readonly by: ReadonlyMap<PeerKey, number> }
  | { readonly kind: 'received'; readonly from: PeerKey }
  | { readonly kind: 'done' };

/** A started piece gathers blocks; once all are in it is being hashed. */
export type ProgressPhase = 'downloading' | 'hashing';

type MutableBlock = { kind: 'none' } | { kind: 'requested'; by: Map<PeerKey, number> } | { kind: 'received'; from: PeerKey };

const NONE: MutableBlock = { kind: 'none' };

/** The blocks of one piece we have started, until it is verified or fails its hash. */
export class PieceProgress {
  /** Every block in: the piece awaits its hash. */
  get phase(): ProgressPhase {
    return this.isComplete ? 'hashing' : 'downloading';
  }
  private readonly blocks: MutableBlock[];
  /** Blocks nobody is asked for: what a normal (not end-game) request takes. */
  noneCount: number;
  private receivedCount = 0;

  constructor(
    readonly index: number,
    blockCount: number,
  ) {
    this.blocks = Array.from({ length: blockCount }, () => NONE);
    this.noneCount = blockCount;
  }

  get blockCount(): number {
    return this.blocks.length;
  }

  get isComplete(): boolean {
    return this.receivedCount === this.blocks.length;
  }

  state(blockNumber: number): BlockState {
    return this.blocks[blockNumber];
  }

  /** The first block nobody is asked for and not `excluded`, if any. */
  firstNone(excluded: (blockNumber: number) => boolean): number | undefined {
    if (this.noneCount === 0) return undefined;
    const found = this.blocks.findIndex((block, blockNumber) => block.kind === 'none' && !excluded(blockNumber));
    return found === -1 ? undefined : found;
  }

  /** Marks the block asked of `peer`; returns true when nobody was asked for it before. */
  request(blockNumber: number, peer: PeerKey, atMs: number): boolean {
    const block = this.blocks[blockNumber];
    if (block.kind === 'requested') {
      block.by.set(peer, atMs);
      return false;
    }
    if (block.kind === 'received') throw new RangeError(`block ${blockNumber} of piece ${this.index} already received`);
    this.blocks[blockNumber] = { kind: 'requested', by: new Map([[peer, atMs]]) };
    this.noneCount--;
    return true;
  }

  /** `peer` will not send the block; returns true when nobody is asked for it any more. */
  release(blockNumber: number, peer: PeerKey): boolean {
    const block = this.blocks[blockNumber];
    if (block.kind !== 'requested' || !block.by.delete(peer) || block.by.size > 0) return false;
    this.blocks[blockNumber] = NONE;
    this.noneCount++;
    return true;
  }

  /**
   * The block arrived from `peer`. Returns undefined when it had already
   * arrived (a duplicate), else the state it was in before.
   */
  receive(blockNumber: number, peer: PeerKey): Exclude<BlockState, { kind: 'received' | 'done' }> | undefined {
    const before = this.blocks[blockNumber];
    if (before.kind === 'received') return undefined;
    if (before.kind === 'none') this.noneCount--;
    this.blocks[blockNumber] = { kind: 'received', from: peer };
    this.receivedCount++;
    return before;
  }

  /** The peers whose blocks make up the piece, each once, in block order: who to suspect when the hash fails. */
  contributors(): PeerKey[] {
    const peers = new Set<PeerKey>();
    for (const block of this.blocks) if (block.kind === 'received') peers.add(block.from);
    return [...peers];
  }
}
