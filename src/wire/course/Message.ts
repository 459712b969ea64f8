import { MessageType, messageTypeName } from './MessageType.js';

/**
 * One protocol message, without its length prefix (protocol.md, "Messages").
 * Indices are unsigned 32-bit piece indices; whether they are in range for a
 * torrent is checked by MessageRules, not here.
 */
export type Message =
  | { type: MessageType.Choke }
  | { type: MessageType.Unchoke }
  | { type: MessageType.Interested }
  | { type: MessageType.NotInterested }
  | { type: MessageType.Have; index: number }
  | { type: MessageType.Bitfield; bits: Buffer }
  | { type: MessageType.Request; index: number }
  | { type: MessageType.Piece; index: number; data: Buffer };

/** A short one-line form for debug traces: `have 5`, `piece 3 (32768 bytes)`, `choke`. */
export function describeMessage(m: Message): string {
  const name = messageTypeName(m.type);
  switch (m.type) {
    case MessageType.Have:
    case MessageType.Request:
      return `${name} ${m.index}`;
    case MessageType.Bitfield:
      return `${name} (${m.bits.length} bytes)`;
    case MessageType.Piece:
      return `${name} ${m.index} (${m.data.length} bytes)`;
    default:
      return name;
  }
}
