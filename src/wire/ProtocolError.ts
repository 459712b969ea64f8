/**
 * What a peer did wrong on the wire. Each code names one rule of protocol.md
 * (the course dialect) or of a BEP (BitTorrent); the connection that produced
 * it should be closed (a bad peer costs its own connection, never the process).
 */
export type ProtocolErrorCode =
  // Handshake (protocol.md, "Handshake (32 bytes)")
  | 'bad-handshake-header' // bytes 0-17 are not 'P2PFILESHARINGPROJ'
  | 'bad-handshake-padding' // bytes 18-27 are not all zero
  // Handshake (BEP 3, "handshake")
  | 'bad-protocol-string' // not byte 19 then 'BitTorrent protocol'
  | 'wrong-info-hash' // the peer we dialled answered for another torrent
  // Framing (protocol.md, "Messages")
  | 'empty-frame' // length 0: this protocol has no keep-alive
  | 'frame-too-large' // length prefix above the largest legal message (BitTorrent: of its type, e.g. a block over 16 KiB)
  | 'buffer-overflow' // a connection buffered more than its cap
  | 'unknown-message-type' // type byte not in 0..7 (BitTorrent: not 0-9, 13-17, 20)
  | 'bad-payload-length' // payload size wrong for the type (or a handshake longer than 32 bytes)
  | 'truncated' // fewer bytes than a complete handshake / frame
  // Torrent geometry (MessageRules)
  | 'index-out-of-range' // have/request/piece index >= piece count
  | 'bad-bitfield-length' // bitfield not ceil(pieces/8) bytes
  | 'bad-bitfield-spare-bits' // bits after the last piece not zero
  | 'bad-piece-length' // piece data not the piece's size
  // Blocks (BitTorrent: request, cancel, reject, piece)
  | 'empty-block' // a block of length 0
  | 'block-too-large' // a request, cancel or reject for more than 16 KiB
  | 'block-past-piece-end' // begin + length past the end of the piece
  // Extension protocol (BEP 10)
  | 'bad-bencode' // a payload that is not one well-formed bencoded value, or over its depth or value cap
  | 'bad-extension-handshake' // an extension handshake that is not a dictionary
  | 'bad-extension-message' // a ut_metadata (BEP 9) or ut_pex (BEP 11) message missing a field, or one out of its range
  | 'extension-not-negotiated' // an extended message when one side did not set the BEP 10 bit
  | 'fast-not-negotiated' // a BEP 6 message when one side did not set the fast bit
  // Connection behaviour (checked by the connection, which knows the order and timing)
  | 'bitfield-not-first' // a bitfield after another message (protocol.md, "Bitfield")
  | 'flood' // more messages per second than any honest peer sends
  | 'stalled-frame'; // a frame left unfinished for too long

/** Context for logs and tests: numbers and strings only, never prose. */
export type ProtocolErrorDetail = Readonly<Record<string, number | string>>;

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode;
  readonly detail?: ProtocolErrorDetail;

  /** @param message a readable sentence; the code is appended in brackets. */
  constructor(code: ProtocolErrorCode, message: string, detail?: ProtocolErrorDetail) {
    super(`${message} [${code}]`);
    // ES2022 classes already get the right prototype; this keeps instanceof
    // working should the build ever target ES5, where Error subclasses lose it.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'ProtocolError';
    this.code = code;
    if (detail !== undefined) this.detail = Object.freeze({ ...detail });
  }
}
