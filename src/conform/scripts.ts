import { Bitfield } from '../core/Bitfield.js';
import { MessageType } from '../wire/index.js';
import type { ScriptedNeighbour } from './ScriptedNeighbour.js';

/**
 * Our neighbours hold their handshake back this long (or until the peer's
 * has come), so that a peer waiting for ours before it sends its own shows.
 * Long, so that a peer slow to start (a loaded machine, a JVM) is not taken
 * for one that waits: a conforming peer costs no time here.
 */
export const HANDSHAKE_HOLD_BACK_MS = 2_000;
/** How long our seeder waits for the peer's interested before it unchokes it anyway. */
export const INTEREST_WAIT_MS = 2_000;
/** Our seeder answers each request after this pause: a second request sent meanwhile shows. */
export const SERVE_DELAY_MS = 30;
/** Our seeder chokes the peer once, after this many pieces, for CHOKE_MS: requests then show. */
export const CHOKE_AFTER_PIECES = 3;
export const CHOKE_MS = 1_200;

export async function holdBackHandshake(neighbour: ScriptedNeighbour): Promise<void> {
  const handshakeCame = () => (neighbour.record.units.some((u) => u.side === 'peer') ? true : undefined);
  await neighbour.until(handshakeCame, HANDSHAKE_HOLD_BACK_MS).catch(() => undefined);
  neighbour.sendHandshake();
}

/**
 * Our seeder, for the peer as a leecher: a full bitfield, an unchoke once it
 * is interested, every piece it asks for (once choked in the middle, and
 * requests made while choked dropped, as protocol.md says). Resolves with
 * the time the last missing piece was sent.
 */
export async function seedTo(neighbour: ScriptedNeighbour, piece: (index: number) => Buffer, pieceCount: number): Promise<number> {
  await holdBackHandshake(neighbour);
  neighbour.send({ type: MessageType.Bitfield, bits: Bitfield.full(pieceCount).toBuffer() });
  const saidInterested = () => (neighbour.record.units.some((u) => u.side === 'peer' && u.kind === 'message' && u.message.type === MessageType.Interested) ? true : undefined);
  // A peer that never says interested is unchoked all the same, so that the rules after it can still be shown.
  await neighbour.until(saidInterested, INTEREST_WAIT_MS).catch(() => undefined);
  neighbour.send({ type: MessageType.Unchoke });
  const served = new Set<number>();
  let droppedBefore = 0; // units before this position came while we had it choked
  let lastPieceAtMs = 0;
  while (served.size < pieceCount) {
    const unit = await neighbour.nextFromPeer();
    if (unit.kind !== 'message' || unit.message.type !== MessageType.Request || unit.message.index >= pieceCount) continue;
    if (neighbour.record.units.indexOf(unit) < droppedBefore) continue;
    const { index } = unit.message;
    await neighbour.pause(SERVE_DELAY_MS);
    neighbour.send({ type: MessageType.Piece, index, data: piece(index) });
    lastPieceAtMs = neighbour.record.units.at(-1)!.atMs;
    served.add(index);
    if (served.size === CHOKE_AFTER_PIECES) {
      neighbour.send({ type: MessageType.Choke });
      await neighbour.pause(CHOKE_MS);
      droppedBefore = neighbour.record.units.length;
      neighbour.send({ type: MessageType.Unchoke });
    }
  }
  return lastPieceAtMs;
}

/**
 * Our leechers ask for their next piece this long after the last came, so that a download lasts a few
 * of the peer's choke rounds (p = 1 s, m = 2 s) and its choices show.
 */
export const LEECH_PACE_MS = 200;

/**
 * A leecher that says not interested once, after `afterPieces` answers to its requests while unchoked
 * (when it would ask for the next), until the peer chokes it (at most `chokeWaitMs`).
 */
export interface LeechPause {
  afterPieces: number;
  chokeWaitMs: number;
}

/**
 * Our leecher, for the peer as a seeder: interested once it shows pieces, one request at a time while
 * unchoked (paced), a have after each piece, until it holds every piece; then not interested. Like some
 * peers (protocol.md, "Known quirks"), it also asks once while choked: with its interested, before any
 * unchoke, and again at each choke; the peer must drop those. With a pause, it is not interested for a
 * while, so that the peer chokes it at its next choice. Resolves with the time of its last have.
 */
export async function leechFrom(neighbour: ScriptedNeighbour, pieceCount: number, pause?: LeechPause): Promise<number> {
  await holdBackHandshake(neighbour);
  const held = new Set<number>();
  const requestMissing = () => neighbour.send({ type: MessageType.Request, index: [...Array(pieceCount).keys()].find((i) => !held.has(i))! });
  let interested = false;
  let unchoked = false;
  let asking = false;
  let nextAskAtMs = 0;
  let lastHaveAtMs = 0;
  let paused = false;
  let answered = 0; // pieces that answered a request made while unchoked
  let resumeAtMs: number | undefined; // while paused: when it says interested again if the peer has not choked it by then
  const resume = () => {
    resumeAtMs = undefined;
    neighbour.send({ type: MessageType.Interested });
  };
  while (held.size < pieceCount) {
    const wakeAtMs = resumeAtMs ?? (unchoked && !asking ? nextAskAtMs : undefined);
    const unit = wakeAtMs === undefined ? await neighbour.nextFromPeer() : await neighbour.nextFromPeerBy(wakeAtMs);
    const message = unit?.kind === 'message' ? unit.message : undefined;
    if (unit === undefined && resumeAtMs !== undefined) resume();
    else if (message && (message.type === MessageType.Bitfield || message.type === MessageType.Have) && !interested) {
      interested = true;
      neighbour.send({ type: MessageType.Interested });
      requestMissing();
    } else if (message?.type === MessageType.Unchoke) unchoked = true;
    else if (message?.type === MessageType.Choke) {
      [unchoked, asking] = [false, false];
      requestMissing();
      if (resumeAtMs !== undefined) resume();
    } else if (message?.type === MessageType.Piece && message.index < pieceCount) {
      if (asking) answered++;
      asking = false;
      nextAskAtMs = neighbour.nowMs() + LEECH_PACE_MS;
      if (!held.has(message.index)) {
        held.add(message.index);
        neighbour.send({ type: MessageType.Have, index: message.index });
        lastHaveAtMs = neighbour.record.units.at(-1)!.atMs;
      }
    }
    if (resumeAtMs === undefined && unchoked && !asking && held.size < pieceCount && (unit === undefined || neighbour.nowMs() >= nextAskAtMs)) {
      // The pause comes when the next request would: the peer's unchoke shows as taken up for a while first.
      if (pause && !paused && answered >= pause.afterPieces) {
        paused = true;
        resumeAtMs = neighbour.nowMs() + pause.chokeWaitMs;
        neighbour.send({ type: MessageType.NotInterested });
      } else {
        asking = true;
        requestMissing();
      }
    }
  }
  neighbour.send({ type: MessageType.NotInterested });
  return lastHaveAtMs;
}
