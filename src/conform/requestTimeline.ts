import { MessageType } from '../wire/index.js';
import { messagesOf, piecesInBitfield, type ConnectionRecord, type MessageUnit } from './WireRecord.js';

/**
 * A request the peer wrote before our choke reached it is no fault of its
 * own: requests arriving this soon after our choke are let pass (and void).
 * Generous, because our times are when our side read the bytes, and either
 * process may be held up for a moment on a busy machine.
 */
export const CHOKE_GRACE_MS = 500;

export interface RequestState {
  label: string;
  /** We had the peer choked (and the grace was over). */
  choked: boolean;
  /** Its requests not yet answered by a piece nor voided by a choke. */
  outstanding: ReadonlyMap<number, MessageUnit>;
}

/**
 * Walks one connection's units, knowing at each of the peer's requests whether we had it choked (past
 * the grace) and what it had outstanding; `ended` hears of each outstanding request our piece answered
 * or our choke voided, with that piece or choke.
 */
export function walkRequests(record: ConnectionRecord, visit: (request: MessageUnit, state: RequestState) => void, ended: (request: MessageUnit, by: MessageUnit) => void = () => {}): void {
  let chokedAtMs: number | undefined = -Infinity; // protocol.md: every connection starts choked
  const outstanding = new Map<number, MessageUnit>();
  for (const unit of record.units) {
    if (unit.kind !== 'message') continue;
    const { message } = unit;
    if (unit.side === 'us') {
      if (message.type === MessageType.Choke) {
        chokedAtMs = unit.atMs;
        for (const request of outstanding.values()) ended(request, unit);
        outstanding.clear(); // protocol.md, "Requests": a choke voids what was asked
      } else if (message.type === MessageType.Unchoke) chokedAtMs = undefined;
      else if (message.type === MessageType.Piece && outstanding.has(message.index)) {
        ended(outstanding.get(message.index)!, unit);
        outstanding.delete(message.index);
      }
    } else if (message.type === MessageType.Request) {
      const withinGrace = chokedAtMs !== undefined && unit.atMs - chokedAtMs <= CHOKE_GRACE_MS;
      if (withinGrace) continue;
      const choked = chokedAtMs !== undefined;
      visit(unit, { label: record.label, choked, outstanding });
      if (!choked) outstanding.set(message.index, unit); // one made while choked is void: request.only-while-unchoked's fault alone
    }
  }
}

/** One request the peer had outstanding with one of our neighbours, from when we read it to when it ended. */
export interface RequestSpan {
  record: ConnectionRecord;
  request: MessageUnit;
  index: number;
  /** Our piece that answered it or our choke that voided it; none: outstanding until the run ended. */
  endedBy?: MessageUnit;
}

/** When the span ended (Infinity: never). */
export const spanEndMs = (span: RequestSpan): number => span.endedBy?.atMs ?? Infinity;

/** The requests the peer had outstanding on one connection (those made while choked are void: none of them). */
export function requestSpans(record: ConnectionRecord): RequestSpan[] {
  const spans = new Map<MessageUnit, RequestSpan>();
  walkRequests(
    record,
    (request, { choked }) => {
      if (!choked && request.message.type === MessageType.Request) spans.set(request, { record, request, index: request.message.index });
    },
    (request, by) => (spans.get(request)!.endedBy = by),
  );
  return [...spans.values()];
}

/** The pieces our side had shown the peer on this connection (bitfield, haves) by `atMs`. */
export function piecesOffered(record: ConnectionRecord, atMs: number): Set<number> {
  const offered = new Set<number>();
  for (const { message, atMs: sentAtMs } of messagesOf(record, 'us')) {
    if (sentAtMs > atMs) break;
    if (message.type === MessageType.Bitfield) piecesInBitfield(message.bits).forEach((index) => offered.add(index));
    else if (message.type === MessageType.Have) offered.add(message.index);
  }
  return offered;
}
