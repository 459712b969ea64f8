import { BufferPool, pieceBuffers } from './BufferPool.js';
import { ByteQueue } from './ByteQueue.js';
import { HANDSHAKE_LENGTH, checkHandshakePrefix, decodeHandshake } from './Handshake.js';
import { Message } from './Message.js';
import { MessageType } from './MessageType.js';
import { LENGTH_PREFIX_BYTES, decodeMessage } from './MessageCodec.js';
import { ProtocolError } from './ProtocolError.js';

/** The largest chunk a Node socket hands to 'data' (libuv reads at most 64 KiB at a time). */
export const SOCKET_CHUNK_MAX_BYTES = 64 * 1024;

export interface FrameReaderLimits {
  /** The largest accepted length-field value: maxMessageLength(pieceSize). */
  maxMessageLength: number;
  /**
   * Cap on bytes held for this connection, complete frames not yet read
   * included. At least maxMessageLength + 4 (one whole frame); see
   * recommendedMaxBufferedBytes() for a value that a drained stream never hits.
   */
  maxBufferedBytes: number;
}

/**
 * A cap that a well-behaved peer never reaches provided the caller drains the
 * reader after every push: up to one incomplete frame (maxMessageLength + 3
 * bytes) stays behind, plus one incoming chunk.
 */
export function recommendedMaxBufferedBytes(maxMessageLength: number, chunkMaxBytes: number = SOCKET_CHUNK_MAX_BYTES): number {
  return maxMessageLength + LENGTH_PREFIX_BYTES + chunkMaxBytes;
}

const HEADER_PEEK_BYTES = LENGTH_PREFIX_BYTES + 1; // length + type: enough to apply every framing rule

/**
 * Incremental reader for one connection's inbound bytes: push what the socket
 * gives, then read the handshake once, then messages until undefined.
 *
 *   reader.push(chunk);
 *   for (let m = reader.readMessage(); m; m = reader.readMessage()) handle(m);
 *
 * It does not track which of the two comes first: the connection's state
 * decides. After any ProtocolError the connection should be closed; the reader
 * keeps the offending bytes and throws the same error again if asked.
 *
 * Returned payloads (bitfield bits, piece data) live in a buffer of that frame
 * alone: they stay valid after more pushes and never pin a socket chunk. A
 * piece's buffer is lent by `pool`: whoever stores the piece gives it back
 * (PieceStore.writePiece does); one never given back is merely garbage.
 */
export class FrameReader {
  private readonly queue = new ByteQueue();
  private readonly maxMessageLength: number;
  private readonly maxBufferedBytes: number;
  /** Reused for peeking at frame headers, so a pending frame costs no allocation per call. */
  private readonly headerScratch = Buffer.alloc(HEADER_PEEK_BYTES);
  /** Size of the frame at the head once its header passed every check; cleared when it is taken. */
  private pendingFrameBytes: number | undefined;

  constructor(
    limits: FrameReaderLimits,
    private readonly pool: BufferPool = pieceBuffers,
  ) {
    const { maxMessageLength, maxBufferedBytes } = limits;
    if (!Number.isInteger(maxMessageLength) || maxMessageLength < 1) {
      throw new RangeError(`maxMessageLength must be a positive integer, got ${maxMessageLength}`);
    }
    if (!Number.isInteger(maxBufferedBytes) || maxBufferedBytes < maxMessageLength + LENGTH_PREFIX_BYTES) {
      // Otherwise a legal maximum-size frame could never be held whole.
      throw new RangeError(
        `maxBufferedBytes must be an integer >= maxMessageLength + ${LENGTH_PREFIX_BYTES} (${maxMessageLength + LENGTH_PREFIX_BYTES}), got ${maxBufferedBytes}`,
      );
    }
    this.maxMessageLength = maxMessageLength;
    this.maxBufferedBytes = maxBufferedBytes;
  }

  get bufferedBytes(): number {
    return this.queue.byteLength;
  }

  /** Queues a chunk (kept by reference: do not modify it afterwards). The chunk is not queued if it overflows. */
  push(chunk: Buffer): void {
    const wouldHold = this.queue.byteLength + chunk.length;
    if (wouldHold > this.maxBufferedBytes) {
      throw new ProtocolError('buffer-overflow', `connection would buffer ${wouldHold} bytes, the cap is ${this.maxBufferedBytes}`, {
        bufferedBytes: this.queue.byteLength,
        chunkBytes: chunk.length,
        maxBufferedBytes: this.maxBufferedBytes,
      });
    }
    this.queue.push(chunk);
  }

  /**
   * The peer ID once 32 bytes are there (consumes exactly them: what follows,
   * e.g. the bitfield in the same segment, stays queued), else undefined.
   * A wrong header or padding is thrown as soon as the offending byte arrives.
   */
  readHandshake(): number | undefined {
    const available = Math.min(this.queue.byteLength, HANDSHAKE_LENGTH);
    const head = Buffer.allocUnsafe(available);
    this.queue.copyTo(head, available);
    if (available < HANDSHAKE_LENGTH) {
      checkHandshakePrefix(head);
      return undefined;
    }
    const peerId = decodeHandshake(head);
    this.queue.skip(HANDSHAKE_LENGTH);
    return peerId;
  }

  /** The next complete message (consumed), else undefined. Throws ProtocolError as decodeMessage does. */
  readMessage(): Message | undefined {
    if (this.pendingFrameBytes !== undefined && this.queue.byteLength < this.pendingFrameBytes) return undefined;
    // Apply the framing rules to the first 5 bytes only: an oversized or empty
    // length, an unknown type or a wrong fixed size is rejected before the body
    // is buffered. Once they pass, the frame's size is remembered, so waiting
    // for a body costs O(1) per call, not O(frame).
    const headerBytes = Math.min(this.queue.byteLength, HEADER_PEEK_BYTES);
    this.queue.copyTo(this.headerScratch, headerBytes);
    const fromHeader = decodeMessage(this.headerScratch.subarray(0, headerBytes), this.maxMessageLength);
    if (fromHeader.kind === 'message') {
      this.queue.skip(fromHeader.bytesUsed); // a payload-less message: the header is the whole frame
      return fromHeader.message;
    }
    const frameBytes = headerBytes + fromHeader.bytesNeeded;
    if (headerBytes === HEADER_PEEK_BYTES) this.pendingFrameBytes = frameBytes;
    if (this.queue.byteLength < frameBytes) return undefined;

    this.pendingFrameBytes = undefined;
    const frame = this.takeFrame(frameBytes, this.headerScratch[LENGTH_PREFIX_BYTES]); // the one copy: payload subarrays share this owned buffer
    const decoded = decodeMessage(frame, this.maxMessageLength);
    if (decoded.kind !== 'message') throw new Error('FrameReader: a complete frame did not decode'); // unreachable
    return decoded.message;
  }

  /** The whole frame at the head, consumed; a piece's into a pooled buffer. */
  private takeFrame(frameBytes: number, type: number): Buffer {
    if (type !== MessageType.Piece) return this.queue.take(frameBytes);
    const frame = this.pool.acquire(frameBytes);
    this.queue.copyTo(frame, frameBytes);
    this.queue.skip(frameBytes);
    return frame;
  }
}
