import type { DisconnectReason, ProtocolHandlers } from '../../src/net/ProtocolHandlers.js';
import type { Bitfield } from '../../src/core/Bitfield.js';
import type { BlockRef } from '../../src/core/BlockRef.js';
import { DEFAULT_WAIT_MS, Waiters } from './waiting.js';

/** One call the network half made on the logic half, arguments as given (a bitfield as its wire bytes). */
export type HandlerCall =
  | { method: 'onHandshake'; peerId: number }
  | { method: 'onDisconnect'; reason: DisconnectReason }
  | { method: 'onChoke' }
  | { method: 'onUnchoke' }
  | { method: 'onInterested' }
  | { method: 'onNotInterested' }
  | { method: 'onHave'; index: number }
  | { method: 'onBitfield'; bits: Buffer; pieceCount: number; count: number }
  | { method: 'onRequest'; block: BlockRef }
  | { method: 'onPiece'; block: BlockRef; data: Buffer };

export type HandlerMethod = HandlerCall['method'];

/** A ProtocolHandlers that records every call in order and lets a test await them. */
export class RecordingHandlers implements ProtocolHandlers {
  readonly calls: HandlerCall[] = [];
  private readonly waiters = new Waiters();

  onHandshake(peerId: number): void {
    this.record({ method: 'onHandshake', peerId });
  }
  onDisconnect(reason: DisconnectReason): void {
    this.record({ method: 'onDisconnect', reason });
  }
  onChoke(): void {
    this.record({ method: 'onChoke' });
  }
  onUnchoke(): void {
    this.record({ method: 'onUnchoke' });
  }
  onInterested(): void {
    this.record({ method: 'onInterested' });
  }
  onNotInterested(): void {
    this.record({ method: 'onNotInterested' });
  }
  onHave(index: number): void {
    this.record({ method: 'onHave', index });
  }
  onBitfield(bits: Bitfield): void {
    this.record({ method: 'onBitfield', bits: bits.toBuffer(), pieceCount: bits.pieceCount, count: bits.count });
  }
  onRequest(block: BlockRef): void {
    this.record({ method: 'onRequest', block });
  }
  onPiece(block: BlockRef, data: Buffer): void {
    this.record({ method: 'onPiece', block, data: Buffer.from(data) });
  }

  /** The calls of one method, in order. */
  of<M extends HandlerMethod>(method: M): Extract<HandlerCall, { method: M }>[] {
    return this.calls.filter((c): c is Extract<HandlerCall, { method: M }> => c.method === method);
  }

  methods(): HandlerMethod[] {
    return this.calls.map((c) => c.method);
  }

  /** Resolves with the count-th call of `method` (1-based) once it has been made. */
  waitFor<M extends HandlerMethod>(method: M, count = 1, timeoutMs = DEFAULT_WAIT_MS): Promise<Extract<HandlerCall, { method: M }>> {
    return this.waiters.until(
      () => this.of(method)[count - 1],
      () => `call #${count} of ${method}; calls so far: ${this.methods().join(', ') || 'none'}`,
      timeoutMs,
    );
  }

  /** Resolves once `total` calls of any kind have been recorded. */
  waitForCalls(total: number, timeoutMs = DEFAULT_WAIT_MS): Promise<HandlerCall[]> {
    return this.waiters.until(
      () => this.calls.length >= total && this.calls,
      () => `${total} handler calls; got ${this.calls.length}: ${this.methods().join(', ')}`,
      timeoutMs,
    );
  }

  private record(call: HandlerCall): void {
    this.calls.push(call);
    this.waiters.notify();
  }
}
