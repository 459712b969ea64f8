/**
 * The message type byte (protocol.md, "Messages": the byte after the 4-byte
 * length). The numeric values are the wire values: never renumber them.
 */
export enum MessageType {
  Choke = 0,
  Unchoke = 1,
  Interested = 2,
  NotInterested = 3,
  Have = 4,
  Bitfield = 5,
  Request = 6,
  Piece = 7,
}

/** True for a type byte this protocol defines (0..7); anything else is an unknown type. */
export function isMessageType(typeByte: number): typeByte is MessageType {
  return Number.isInteger(typeByte) && typeByte >= MessageType.Choke && typeByte <= MessageType.Piece;
}

/** The name the protocol's table (and the spec's log lines, e.g. 'not interested') uses. */
export function messageTypeName(t: MessageType): string {
  switch (t) {
    case MessageType.Choke:
      return 'choke';
    case MessageType.Unchoke:
      return 'unchoke';
    case MessageType.Interested:
      return 'interested';
    case MessageType.NotInterested:
      return 'not interested';
    case MessageType.Have:
      return 'have';
    case MessageType.Bitfield:
      return 'bitfield';
    case MessageType.Request:
      return 'request';
    case MessageType.Piece:
      return 'piece';
    default:
      return `unknown type ${String(t)}`;
  }
}
