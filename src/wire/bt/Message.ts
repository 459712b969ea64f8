/**
 * One BitTorrent message, without its length prefix (BEP 3 "peer messages";
 * BEP 6 suggest to allowed-fast; BEP 10 extended). Discriminated by `kind`, a
 * name rather than the wire id, so it cannot be mixed up with the course's
 * `Message` (whose request 6 asks for a whole piece, not a block), and so that a
 * keep-alive, which has no id, is a message like the others.
 *
 * Indices and offsets are unsigned 32-bit; whether they fit the torrent is
 * checked by MessageRules, not here.
 */
export type BtMessage =
  | { kind: 'keep-alive' }
  | { kind: 'choke' }
  | { kind: 'unchoke' }
  | { kind: 'interested' }
  | { kind: 'not-interested' }
  | { kind: 'have'; index: number }
  | { kind: 'bitfield'; bits: Buffer }
  | { kind: 'request'; index: number; begin: number; length: number }
  | { kind: 'piece'; index: number; begin: number; data: Buffer }
  | { kind: 'cancel'; index: number; begin: number; length: number }
  | { kind: 'port'; port: number }
  | { kind: 'suggest'; index: number }
  | { kind: 'have-all' }
  | { kind: 'have-none' }
  | { kind: 'reject'; index: number; begin: number; length: number }
  | { kind: 'allowed-fast'; index: number }
  | { kind: 'extended'; id: number; payload: Buffer };

export type BtMessageKind = BtMessage['kind'];
/** The messages with no payload. */
export type BareMessage = Extract<BtMessage, { kind: 'choke' | 'unchoke' | 'interested' | 'not-interested' | 'have-all' | 'have-none' }>;
const BARE_KINDS: ReadonlySet<string> = new Set<BareMessage['kind']>(['choke', 'unchoke', 'interested', 'not-interested', 'have-all', 'have-none']);

export function isBareKind(kind: string): kind is BareMessage['kind'] {
  return BARE_KINDS.has(kind);
}

export function isBareMessage(m: BtMessage): m is BareMessage {
  return isBareKind(m.kind);
}

/** The messages that name a block: request, cancel, reject (BEP 3, BEP 6). */
export type BlockMessage = Extract<BtMessage, { length: number }>;

/** The id byte of each message on the wire. Never renumber. */
export const BT_MESSAGE_ID = {
  choke: 0,
  unchoke: 1,
  interested: 2,
  'not-interested': 3,
  have: 4,
  bitfield: 5,
  request: 6,
  piece: 7,
  cancel: 8,
  port: 9,
  suggest: 13,
  'have-all': 14,
  'have-none': 15,
  reject: 16,
  'allowed-fast': 17,
  extended: 20,
} as const satisfies Record<Exclude<BtMessageKind, 'keep-alive'>, number>;

export type BtMessageId = (typeof BT_MESSAGE_ID)[keyof typeof BT_MESSAGE_ID];
type IdentifiedKind = keyof typeof BT_MESSAGE_ID;

const KIND_BY_ID: ReadonlyMap<number, IdentifiedKind> = new Map(
  Object.entries(BT_MESSAGE_ID).map(([kind, id]) => [id, kind as IdentifiedKind]),
);

/** The kind a type byte stands for, or undefined for an id no BEP we speak defines. */
export function btKindOf(typeByte: number): IdentifiedKind | undefined {
  return KIND_BY_ID.get(typeByte);
}

/** A short one-line form for debug traces: `have 5`, `request 3+16384 (16384 bytes)`, `extended 0 (120 bytes)`. */
export function describeBtMessage(m: BtMessage): string {
  switch (m.kind) {
    case 'have':
    case 'suggest':
    case 'allowed-fast':
      return `${m.kind} ${m.index}`;
    case 'request':
    case 'cancel':
    case 'reject':
      return `${m.kind} ${m.index}+${m.begin} (${m.length} bytes)`;
    case 'piece':
      return `${m.kind} ${m.index}+${m.begin} (${m.data.length} bytes)`;
    case 'bitfield':
      return `${m.kind} (${m.bits.length} bytes)`;
    case 'port':
      return `${m.kind} ${m.port}`;
    case 'extended':
      return `${m.kind} ${m.id} (${m.payload.length} bytes)`;
    default:
      return m.kind;
  }
}
