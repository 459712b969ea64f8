import { BufferPool, pieceBuffers } from './BufferPool.js';
import { ByteQueue } from './ByteQueue.js';
import { DecodeResult, FRAME_HEADER_BYTES, LENGTH_PREFIX_BYTES } from './frame.js';
import { ProtocolError } from './ProtocolError.js';

/** The largest chunk a Node socket hands to 'data' (libuv reads at most 64 KiB at a time). */
export const SOCKET_CHUNK_MAX_BYTES = 64 * 1024;

export interface FrameReaderLimits {
  /** The largest accepted length-field value (the dialect's largest legal message). */
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

/** What a dialect tells the reader about its frames. */
export interface Framing<M> {
  /** Decodes the first frame of the bytes, its limits bound in (see decodeFrame). */
  decode(bytes: Buffer): DecodeResult<M>;
  /** Frames of this type carry file data on to storage: their buffer is lent by the pool. */
  isPooled(typeByte: number): boolean;
}

/**
 * Incremental reader for one connection's inbound bytes, whatever the dialect:
 * push what the socket gives, then read the dialect's handshake (a subclass
 * says how), then messages until undefined.
 *
 *   reader.push(chunk);
 *   for (let m = reader.readMessage(); m; m = reader.readMessage()) handle(m);
 *
 * It does not track which comes first: the connection's state decides. After
 * any ProtocolError the connection should be closed; the reader keeps the
 * offending bytes and throws the same error again if asked.
 *
 * Returned payloads live in a buffer of that frame alone: they stay valid after
 * more pushes and never pin a socket chunk. A pooled frame's buffer is lent by
 * `pool`: whoever stores its data gives it back (PieceStore.writePiece does);
 * one never given back is merely garbage.
 */
export class MessageReader<M> {
  private readonly queue = new ByteQueue();
  private readonly maxBufferedBytes: number;
  /** Reused for peeking at frame headers, so a pending frame costs no allocation per call. */
  private readonly headerScratch = Buffer.alloc(FRAME_HEADER_BYTES);
  /** Size of the frame at the head once its header passed every check; cleared when it is taken. */
  private pendingFrameBytes: number | undefined;

  constructor(
    limits: FrameReaderLimits,
    private readonly framing: Framing<M>,
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
    this.maxBufferedBytes = maxBufferedBytes;
  }

  get bufferedBytes(): number {
    return this.queue.byteLength;
  }

  /**
   * After reading what it can: the chunks pushed may now be reused by the
   * caller (a socket reading into one buffer); the unread bytes are copied.
   */
  releaseChunks(): void {
    this.queue.ownRemaining();
  }

  /** Queues a chunk (kept by reference: do not modify it afterwards, unless releaseChunks() was called). The chunk is not queued if it overflows. */
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
   * A fixed-size part of a handshake: `decode` of exactly `length` bytes (then
   * consumed: what follows stays queued), else undefined. Until they are all
   * there, `checkPrefix` sees whatever part has arrived, so a peer speaking
   * another protocol is refused from its first wrong byte.
   */
  protected readFixed<T>(length: number, checkPrefix: (prefix: Buffer) => void, decode: (whole: Buffer) => T): T | undefined {
    const available = Math.min(this.queue.byteLength, length);
    const head = Buffer.allocUnsafe(available);
    this.queue.copyTo(head, available);
    if (available < length) {
      checkPrefix(head);
      return undefined;
    }
    const value = decode(head);
    this.queue.skip(length);
    return value;
  }

  /** The next complete message (consumed), else undefined. Throws ProtocolError as the dialect's decoder does. */
  readMessage(): M | undefined {
    if (this.pendingFrameBytes !== undefined && this.queue.byteLength < this.pendingFrameBytes) return undefined;
    // Apply the framing rules to the first 5 bytes only: an oversized length,
    // an unknown type or a wrong size is rejected before the body is buffered.
    // Once they pass, the frame's size is remembered, so waiting for a body
    // costs O(1) per call, not O(frame).
    const headerBytes = Math.min(this.queue.byteLength, FRAME_HEADER_BYTES);
    this.queue.copyTo(this.headerScratch, headerBytes);
    const fromHeader = this.framing.decode(this.headerScratch.subarray(0, headerBytes));
    if (fromHeader.kind === 'message') {
      this.queue.skip(fromHeader.bytesUsed); // a payload-less message: the header is the whole frame
      return fromHeader.message;
    }
    const frameBytes = headerBytes + fromHeader.bytesNeeded;
    if (headerBytes === FRAME_HEADER_BYTES) this.pendingFrameBytes = frameBytes;
    if (this.queue.byteLength < frameBytes) return undefined;

    this.pendingFrameBytes = undefined;
    const frame = this.takeFrame(frameBytes, this.headerScratch[LENGTH_PREFIX_BYTES]); // the one copy: payload subarrays share this owned buffer
    const decoded = this.framing.decode(frame);
    if (decoded.kind !== 'message') throw new Error('MessageReader: a complete frame did not decode'); // unreachable
    return decoded.message;
  }

  /** The whole frame at the head, consumed; a pooled type's into a buffer lent by the pool. */
  private takeFrame(frameBytes: number, typeByte: number): Buffer {
    if (!this.framing.isPooled(typeByte)) return this.queue.take(frameBytes);
    const frame = this.pool.acquire(frameBytes);
    this.queue.copyTo(frame, frameBytes);
    this.queue.skip(frameBytes);
    return frame;
  }
}
