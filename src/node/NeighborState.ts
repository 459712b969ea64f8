import { Bitfield } from '../core/Bitfield.js';
import type { Direction } from './NodeEvents.js';

/**
 * What we know of one neighbour. The four flags keep the spec's names; they
 * start as the protocol says a connection starts: both sides choking, nobody
 * interested.
 */
export class NeighborState {
  amChoking = true;
  /** Undefined until we first tell the neighbour either way. */
  amInterested: boolean | undefined = undefined;
  peerChoking = true;
  peerInterested = false;
  /** A neighbour that sends no bitfield has nothing (protocol: bitfield is optional when empty). */
  bitfield: Bitfield;

  constructor(
    readonly peerId: number,
    readonly direction: Direction,
    pieceCount: number,
  ) {
    this.bitfield = new Bitfield(pieceCount);
  }
}
