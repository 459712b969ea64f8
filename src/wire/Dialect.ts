import { BufferPool } from './BufferPool.js';
import { MessageReader } from './MessageReader.js';
import { PieceGeometry } from './PieceGeometry.js';
import { ProtocolError } from './ProtocolError.js';

/**
 * One wire dialect, for a connection that does not care which it speaks
 * (architecture.md, "The two-dialect engine"). Each dialect has its own message
 * union `M` and handshake (on its reader `R`); what they share is said here.
 */
export interface Dialect<M, R extends MessageReader<M> = MessageReader<M>> {
  readonly name: 'course' | 'bt';
  /** A reader for one connection, its limits taken from the torrent's geometry (architecture.md, practice 2). */
  newReader(geometry: PieceGeometry, pool?: BufferPool): R;
  encodeMessage(m: M): Buffer;
  /** The rules that need the geometry, on a decoded message: the violation, or undefined. */
  checkMessage(m: M, geometry: PieceGeometry): ProtocolError | undefined;
}
