import { pickOne, type Random } from '../common/Random.js';
import { choosePreferred } from './preferredChoice.js';

export interface ChokeCandidate {
  peerId: number;
  /** It told us 'interested' (and not 'not interested' since). */
  interested: boolean;
  /** Bytes it sent us during the last interval (the rate measure for "preferred neighbours"). */
  bytesReceived: number;
}

export interface ChokeSnapshot {
  /** Every connected neighbour, once each. A neighbour missing here is treated as gone. */
  neighbours: readonly ChokeCandidate[];
  haveCompleteFile: boolean;
}

export interface ChokeDecision {
  /** Were choked, now unchoked: the caller sends 'unchoke' to each (ascending order). */
  unchoke: number[];
  /** Were unchoked, now choked: the caller sends 'choke' to each (ascending order). Never a gone neighbour. */
  choke: number[];
  /** The preferred set after the decision, ascending. */
  preferred: number[];
  /** The set differs from before (caller logs it). */
  preferredChanged: boolean;
  optimistic: number | undefined;
  /** A new optimistic neighbour was picked by this call (caller logs it). */
  optimisticChosen: boolean;
}

/** The snapshot indexed by peer id, interested neighbours in id order. */
interface SnapshotView {
  readonly byId: ReadonlyMap<number, ChokeCandidate>;
  readonly interested: readonly ChokeCandidate[];
  readonly haveCompleteFile: boolean;
}

/**
 * Decides who we upload to: k preferred neighbours plus one optimistic one.
 *
 * Every operation computes the new (preferred, optimistic) state and then
 * diffs the unchoked set before and after to get the messages. Since unchoked
 * is always preferred ∪ {optimistic} and preferred never exceeds k, the rule
 * "at no moment more than k preferred plus one optimistic neighbour are
 * unchoked" holds by construction, and no 'unchoke' is sent to a neighbour
 * already unchoked (protocol: "no message if already unchoked").
 *
 * Pure: it sends nothing and reads no clock; the caller runs the p and m timers.
 */
export class ChokingManager {
  private readonly preferredCount: number;
  private readonly random: Random;
  private readonly optimisticApart: boolean;
  private preferredIds = new Set<number>();
  private optimisticId: number | undefined;

  /**
   * `optimisticApart`: BitTorrent's optimistic unchoke is a slot of its own
   * (bittorrent.md: 4 slots "plus one optimistic unchoke"), held by an
   * interested peer outside the preferred set: one ranked into the preferred
   * set, or that lost interest, hands the slot to another peer at once. The
   * course's (protocol.md: "It may also become preferred later") counts once,
   * and an optimistic neighbour that lost interest keeps it until the m tick.
   */
  constructor(options: { preferredCount: number; random: Random; optimisticApart?: boolean }) {
    if (!Number.isInteger(options.preferredCount) || options.preferredCount < 0) {
      throw new RangeError(`preferred neighbour count must be a whole number >= 0, got ${options.preferredCount}`);
    }
    this.preferredCount = options.preferredCount;
    this.random = options.random;
    this.optimisticApart = options.optimisticApart ?? false;
  }

  /**
   * The p-second tick: recompute the preferred set from scratch among the
   * interested (protocol: "preferred neighbours"). The optimistic neighbour is
   * kept and stays unchoked even if not chosen; it is re-picked only at the m tick.
   */
  rechoke(snapshot: ChokeSnapshot): ChokeDecision {
    return this.decide(snapshot, (view) => {
      this.preferredIds = new Set(
        choosePreferred(view.interested, this.preferredCount, view.haveCompleteFile, this.random),
      );
      return this.separateOptimistic(view);
    });
  }

  /**
   * The m-second tick (protocol: "optimistic unchoke"): pick at random one
   * neighbour that is choked and interested. The old optimistic one is choked
   * unless it is preferred. With no candidate the current one is kept, unless
   * it lost interest, in which case the slot is cleared: unchoking it serves no one.
   */
  rotateOptimistic(snapshot: ChokeSnapshot): ChokeDecision {
    return this.decide(snapshot, (view) => {
      if (this.pickOptimistic(view)) return true;
      if (this.optimisticId !== undefined && !view.byId.get(this.optimisticId)?.interested) {
        this.optimisticId = undefined;
      }
      return false;
    });
  }

  /**
   * Between ticks, after a change of interest or a disconnect. Our rules: a
   * preferred slot freed because its neighbour lost interest or left is refilled
   * at once, and the first choice happens as soon as someone is interested
   * rather than waiting for the p tick. Also picks an optimistic neighbour if
   * there is none yet. The current optimistic one is kept even if it lost
   * interest; the m tick clears it (with optimisticApart: at once).
   */
  refresh(snapshot: ChokeSnapshot): ChokeDecision {
    return this.decide(snapshot, (view) => {
      if (this.optimisticApart && this.optimisticId !== undefined && !view.byId.get(this.optimisticId)?.interested) {
        this.optimisticId = undefined;
      }
      for (const peerId of this.preferredIds) {
        if (!view.byId.get(peerId)?.interested) this.preferredIds.delete(peerId);
      }
      const freeSlots = this.preferredCount - this.preferredIds.size;
      if (freeSlots > 0) {
        const candidates = view.interested.filter((c) => !this.preferredIds.has(c.peerId));
        for (const peerId of choosePreferred(candidates, freeSlots, view.haveCompleteFile, this.random)) {
          this.preferredIds.add(peerId);
        }
      }
      return (this.optimisticId === undefined && this.pickOptimistic(view)) || this.separateOptimistic(view);
    });
  }

  /**
   * Neighbour gone: forget it. Nothing to send to it, so no decision; its
   * preferred slot stays free until the caller's next refresh or rechoke.
   */
  remove(peerId: number): void {
    this.preferredIds.delete(peerId);
    if (this.optimisticId === peerId) this.optimisticId = undefined;
  }

  isUnchoked(peerId: number): boolean {
    return this.preferredIds.has(peerId) || this.optimisticId === peerId;
  }

  /** A copy: later decisions do not change what the caller holds. */
  get preferred(): ReadonlySet<number> {
    return new Set(this.preferredIds);
  }

  get optimistic(): number | undefined {
    return this.optimisticId;
  }

  /** preferred ∪ {optimistic}, a copy. */
  get unchoked(): ReadonlySet<number> {
    const out = new Set(this.preferredIds);
    if (this.optimisticId !== undefined) out.add(this.optimisticId);
    return out;
  }

  /** With optimisticApart, an optimistic neighbour now preferred is replaced by another; true when one was picked. */
  private separateOptimistic(view: SnapshotView): boolean {
    return this.optimisticApart && this.optimisticId !== undefined && this.preferredIds.has(this.optimisticId) && this.pickOptimistic(view);
  }

  /** Random pick among the interested neighbours not unchoked now; true when one was picked. */
  private pickOptimistic(view: SnapshotView): boolean {
    const candidates = view.interested.filter((c) => !this.isUnchoked(c.peerId)).map((c) => c.peerId);
    const picked = pickOne(candidates, this.random);
    if (picked === undefined) return false;
    this.optimisticId = picked;
    return true;
  }

  /**
   * Runs one state change and turns it into messages. Neighbours missing from
   * the snapshot are forgotten first and never appear in the choke list: the
   * connection is gone, there is nobody to send to.
   */
  private decide(snapshot: ChokeSnapshot, change: (view: SnapshotView) => boolean): ChokeDecision {
    const view = indexSnapshot(snapshot);
    const unchokedBefore = this.unchoked;
    const preferredBefore = new Set(this.preferredIds);

    for (const peerId of unchokedBefore) if (!view.byId.has(peerId)) this.remove(peerId);
    const optimisticChosen = change(view);

    const unchokedAfter = this.unchoked;
    const unchoke = [...unchokedAfter].filter((id) => !unchokedBefore.has(id)).sort(ascending);
    const choke = [...unchokedBefore]
      .filter((id) => !unchokedAfter.has(id) && view.byId.has(id))
      .sort(ascending);
    return {
      unchoke,
      choke,
      preferred: [...this.preferredIds].sort(ascending),
      preferredChanged: !sameMembers(preferredBefore, this.preferredIds),
      optimistic: this.optimisticId,
      optimisticChosen,
    };
  }
}

function indexSnapshot(snapshot: ChokeSnapshot): SnapshotView {
  const byId = new Map<number, ChokeCandidate>();
  for (const candidate of snapshot.neighbours) {
    if (byId.has(candidate.peerId)) throw new RangeError(`neighbour ${candidate.peerId} listed twice in snapshot`);
    if (!Number.isFinite(candidate.bytesReceived) || candidate.bytesReceived < 0) {
      throw new RangeError(`neighbour ${candidate.peerId}: bad byte count ${candidate.bytesReceived}`);
    }
    byId.set(candidate.peerId, candidate);
  }
  // Id order, so seeded random picks depend on who is listed, not on list order.
  const interested = [...byId.values()].filter((c) => c.interested).sort((a, b) => a.peerId - b.peerId);
  return { byId, interested, haveCompleteFile: snapshot.haveCompleteFile };
}

function ascending(a: number, b: number): number {
  return a - b;
}

function sameMembers(a: ReadonlySet<number>, b: ReadonlySet<number>): boolean {
  if (a.size !== b.size) return false;
  for (const id of a) if (!b.has(id)) return false;
  return true;
}
