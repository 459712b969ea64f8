import { Bitfield } from '../core/Bitfield.js';
import { MessageType } from '../wire/index.js';
import type { ScriptedNeighbour } from './ScriptedNeighbour.js';
import { piecesInBitfield, type WireUnit } from './WireRecord.js';
import { SERVE_DELAY_MS, holdBackHandshake } from './scripts.js';

/** Our neighbour that announces its pieces one by one waits this long before each have. */
export const HAVE_PACE_MS = 150;

/**
 * The pieces our neighbours of one scenario have given the peer, shared so that each of them knows
 * when the peer holds the whole file, whoever gave the last piece.
 */
export class PiecesGiven {
  private readonly given = new Set<number>();
  private readonly watching: ScriptedNeighbour[] = [];

  constructor(private readonly pieceCount: number) {}

  watch(neighbour: ScriptedNeighbour): void {
    this.watching.push(neighbour);
  }

  add(index: number): void {
    this.given.add(index);
    for (const neighbour of this.watching) neighbour.poke();
  }

  get complete(): boolean {
    return this.given.size >= this.pieceCount;
  }
}

/** What one of our partial neighbours holds: pieces in its bitfield (none: it sends no bitfield), then pieces it announces one have at a time. */
export interface PartialHoldings {
  bitfield?: readonly number[];
  announced: readonly number[];
  /** How long it takes to answer each request (by default SERVE_DELAY_MS): its upload rate to the peer. */
  serveDelayMs?: number;
  /** Its first request cut: a choke `chokeAfterMs` after it, without the piece; an unchoke `chokedMs` later. */
  cutFirstRequest?: { chokeAfterMs: number; chokedMs: number };
}

/** Chokes the peer (a request it is waiting for left unanswered), then unchokes it; resolves with how many units came before the unchoke: requests among them were made choked, and are dropped. */
async function chokeAWhile(neighbour: ScriptedNeighbour, cut: { chokeAfterMs: number; chokedMs: number }): Promise<number> {
  await neighbour.pause(cut.chokeAfterMs);
  neighbour.send({ type: MessageType.Choke });
  await neighbour.pause(cut.chokedMs);
  const droppedBefore = neighbour.record.units.length;
  neighbour.send({ type: MessageType.Unchoke });
  return droppedBefore;
}

/** Interested, once, when the unit shows the peer has a piece we lack (its bitfield or have). */
function interestedOnOffer(neighbour: ScriptedNeighbour, unit: WireUnit | undefined, held: ReadonlySet<number>, already: boolean): boolean {
  if (already || unit?.kind !== 'message') return already;
  const { message } = unit;
  const offers = message.type === MessageType.Have ? !held.has(message.index) : message.type === MessageType.Bitfield && piecesInBitfield(message.bits).some((i) => !held.has(i));
  if (offers) neighbour.send({ type: MessageType.Interested });
  return offers;
}

/** A have for every piece not yet announced, as if we had got them elsewhere: the peer then sees every listed peer complete. */
function announceTheRest(neighbour: ScriptedNeighbour, pieceCount: number, held: ReadonlySet<number>): number {
  for (let index = 0; index < pieceCount; index++) {
    if (!held.has(index)) neighbour.send({ type: MessageType.Have, index });
  }
  return neighbour.nowMs();
}

/**
 * Our partial neighbour, listed before the peer (the peer dials it): its bitfield if it has one, an
 * unchoke at once, its haves one by one, and each piece it holds when asked (others dropped; its first
 * request cut by a choke if so set), until the peer holds the whole file; then a have for every piece
 * it had not announced, as if it had got them elsewhere, so that the peer sees every listed peer
 * complete. Resolves with the time of its last have.
 */
export async function seedPartTo(
  neighbour: ScriptedNeighbour,
  piece: (index: number) => Buffer,
  pieceCount: number,
  holdings: PartialHoldings,
  given: PiecesGiven,
): Promise<number> {
  given.watch(neighbour);
  await holdBackHandshake(neighbour);
  const held = new Set(holdings.bitfield ?? []);
  if (holdings.bitfield) {
    const bits = new Bitfield(pieceCount);
    for (const index of held) bits.set(index);
    neighbour.send({ type: MessageType.Bitfield, bits: bits.toBuffer() });
  }
  neighbour.send({ type: MessageType.Unchoke });
  let announcing = true;
  const announced = (async () => {
    for (const index of holdings.announced) {
      await neighbour.pause(HAVE_PACE_MS);
      if (!announcing) return;
      held.add(index);
      neighbour.send({ type: MessageType.Have, index });
    }
  })();
  let interested = false;
  let cut = holdings.cutFirstRequest;
  let droppedBefore = 0;
  while (!given.complete) {
    const unit = await neighbour.nextFromPeerUnless(() => given.complete);
    interested = interestedOnOffer(neighbour, unit, held, interested);
    if (unit?.kind !== 'message' || unit.message.type !== MessageType.Request || !held.has(unit.message.index)) continue;
    if (neighbour.record.units.indexOf(unit) < droppedBefore) continue;
    if (cut) {
      droppedBefore = await chokeAWhile(neighbour, cut);
      cut = undefined;
      continue;
    }
    const { index } = unit.message;
    await neighbour.pause(holdings.serveDelayMs ?? SERVE_DELAY_MS);
    neighbour.send({ type: MessageType.Piece, index, data: piece(index) });
    given.add(index);
  }
  announcing = false;
  await announced;
  return announceTheRest(neighbour, pieceCount, held);
}

/** Our neighbour with nothing to give: interested once the peer has pieces, never unchoking it, until the peer holds the whole file; then complete too. */
export async function wantSilently(neighbour: ScriptedNeighbour, pieceCount: number, given: PiecesGiven): Promise<number> {
  given.watch(neighbour);
  await holdBackHandshake(neighbour);
  let interested = false;
  while (!given.complete) interested = interestedOnOffer(neighbour, await neighbour.nextFromPeerUnless(() => given.complete), new Set(), interested);
  return announceTheRest(neighbour, pieceCount, new Set());
}

/** Our complete neighbour listed after the peer (it dials the peer): its full bitfield, never an unchoke, until the peer holds the whole file. */
export async function holdWholeFile(neighbour: ScriptedNeighbour, pieceCount: number, given: PiecesGiven): Promise<number> {
  given.watch(neighbour);
  await holdBackHandshake(neighbour);
  neighbour.send({ type: MessageType.Bitfield, bits: Bitfield.full(pieceCount).toBuffer() });
  await neighbour.until(() => (given.complete ? true : undefined));
  return neighbour.nowMs();
}

