import type { Bitfield } from '../core/Bitfield.js';
import type { BlockRef } from '../core/BlockRef.js';

/** Why a connection ended; the debug log and the console show it. */
export type DisconnectReason =
  | { kind: 'remote-closed' }
  | { kind: 'socket-error'; message: string }
  | { kind: 'protocol-violation'; code: string; message: string }
  | { kind: 'handshake-timeout'; timeoutMs: number }
  | { kind: 'unexpected-peer'; expected?: number; got: number; why: string }
  | { kind: 'shutdown' }
  | { kind: 'paused' }
  /** BitTorrent: nothing heard for longer than the keep-alive allows (bittorrent.md). */
  | { kind: 'idle'; silentMs: number }
  /** BitTorrent: we do not want this peer (ourselves, a second connection, banned, a seed while we seed, over the limit). */
  | { kind: 'refused'; why: string };

export function describeReason(reason: DisconnectReason): string {
  switch (reason.kind) {
    case 'remote-closed':
      return 'the neighbour closed the connection';
    case 'socket-error':
      return `socket error: ${reason.message}`;
    case 'protocol-violation':
      return `protocol violation (${reason.code}): ${reason.message}`;
    case 'handshake-timeout':
      return `no handshake within ${reason.timeoutMs} ms`;
    case 'unexpected-peer':
      return `handshake from peer ${reason.got}: ${reason.why}`;
    case 'shutdown':
      return 'we are shutting down';
    case 'paused':
      return 'we were paused (control interface)';
    case 'idle':
      return `nothing heard for ${Math.round(reason.silentMs / 1000)} s`;
    case 'refused':
      return reason.why;
  }
}

/** What the network half calls on the logic half, one per neighbour. */
export interface ProtocolHandlers {
  onHandshake(peerId: number): void;
  onDisconnect(reason: DisconnectReason): void;
  onChoke(): void;
  onUnchoke(): void;
  onInterested(): void;
  onNotInterested(): void;
  onHave(index: number): void;
  onBitfield(bits: Bitfield): void;
  onRequest(block: BlockRef): void;
  onPiece(block: BlockRef, data: Buffer): void;
}

/** What the logic half calls on the network half, one per neighbour. */
export interface WireCommands {
  sendChoke(): void;
  sendUnchoke(): void;
  sendInterested(): void;
  sendNotInterested(): void;
  sendHave(index: number): void;
  sendBitfield(bits: Bitfield): void;
  sendRequest(block: BlockRef): void;
  /** `data` holds exactly the block's bytes. */
  sendPiece(block: BlockRef, data: Buffer): void;
  close(reason: DisconnectReason): void;
}
