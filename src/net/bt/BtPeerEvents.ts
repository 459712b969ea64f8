import type { Bitfield } from '../../core/Bitfield.js';
import type { BlockRef } from '../../core/BlockRef.js';
import type { Capabilities } from '../../wire/bt/Handshake.js';
import type { ExtensionHandshake } from '../../wire/bt/ExtensionHandshake.js';
import type { UtMetadataMessage } from '../../wire/bt/UtMetadata.js';
import type { UtPexMessage } from '../../wire/bt/UtPex.js';
import type { DisconnectReason } from '../ProtocolHandlers.js';

/** Who is at the other end, once its handshake is read (BEP 3). */
export interface RemoteIdentity {
  peerId: Buffer;
  /** What both sides announced in their reserved bytes: an extension is used only when both did. */
  caps: Capabilities;
}

/**
 * What a BitTorrent connection tells the torrent (architecture.md, PeerEvents):
 * blocks and capabilities, checked against the torrent's geometry and the
 * connection's rules before they get here.
 */
export interface BtPeerEvents {
  onHandshake(remote: RemoteIdentity): void;
  onDisconnect(reason: DisconnectReason): void;
  onChoke(): void;
  onUnchoke(): void;
  onInterested(): void;
  onNotInterested(): void;
  onHave(index: number): void;
  /** A bitfield, have-all or have-none (BEP 6), as the pieces the peer holds. */
  onBitfield(has: Bitfield): void;
  onRequest(block: BlockRef): void;
  onCancel(block: BlockRef): void;
  /** BEP 6: the peer will not serve this request. */
  onReject(block: BlockRef): void;
  /** `data` is lent from `pieceBuffers`: the handler copies what it keeps and releases it. */
  onPiece(block: BlockRef, data: Buffer): void;
  onExtensionHandshake(handshake: ExtensionHandshake): void;
  /** BEP 9, under the id we announced for ut_metadata; a data message's bytes are lent, as a piece's are. */
  onMetadataMessage(message: UtMetadataMessage): void;
  /** BEP 11, under the id we announced for ut_pex. */
  onPex(message: UtPexMessage): void;
  /** BEP 5: the UDP port of the peer's DHT node (both sides set the DHT bit). */
  onDhtPort?(port: number): void;
}

/** What the torrent asks of a BitTorrent connection (architecture.md, PeerWire). */
export interface BtPeerWire {
  readonly caps: Capabilities;
  sendChoke(): void;
  sendUnchoke(): void;
  sendInterested(): void;
  sendNotInterested(): void;
  sendHave(index: number): void;
  /** A bitfield, or with BEP 6 have-all / have-none when it is full or empty. */
  sendBitfield(has: Bitfield): void;
  /** Requests, in one write (one buffer of request frames). */
  sendRequests(blocks: readonly BlockRef[]): void;
  sendCancel(block: BlockRef): void;
  /** BEP 6 only: a no-op without it (the request is simply dropped). */
  sendReject(block: BlockRef): void;
  sendPiece(block: BlockRef, data: Buffer): void;
  /** BEP 9, under the id the peer announced for ut_metadata; nothing when it announced none. */
  sendMetadataMessage(message: UtMetadataMessage): void;
  /** BEP 11, under the id the peer announced for ut_pex; nothing when it announced none. */
  sendPex(message: UtPexMessage): void;
  flushed(): Promise<void>;
  /** True: stop reading what the peer sends (the disk is behind); false: read again. Idempotent. */
  holdReading(held: boolean): void;
  close(reason: DisconnectReason): void;
}
