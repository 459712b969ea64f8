import { seededRandom } from '../../src/common/Random.js';
import type { BlockRef } from '../../src/core/BlockRef.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { BlockGeometry } from '../../src/policy/blocks/BlockGeometry.js';
import { BtSession } from '../../src/session/BtSession.js';
import type { Torrent } from '../../src/torrent/Torrent.js';
import { makePeerId, type BtMessage, type Capabilities } from '../../src/wire/bt/index.js';
import { knownBytes } from './fixtures.js';
import { ManualClock } from './ManualClock.js';
import { MemoryTorrentData, checkerFor } from './MemoryTorrentData.js';
import type { Cleanup } from './nodeHarness.js';
import { eventually } from './polling.js';
import { FULL_CAPS, RawBtPeer } from './RawBtPeer.js';
import { RecordingDiagnostics, type DiagnosticEntry } from './RecordingDiagnostics.js';
import { LOOPBACK, freePort } from './sockets.js';

/** Three pieces of two 16 KiB blocks, and a last piece of 20,000 bytes (blocks of 16,384 and 3,616): 4 pieces, 4 spare bitfield bits. */
export const PIECE_LENGTH = 32 * 1024;
export const TOTAL_LENGTH = 3 * PIECE_LENGTH + 20_000;
export const INFO_HASH = Buffer.alloc(20, 0xab);
export const BLOCK = 16 * 1024;

/** A distinct peer id per number, Azureus style, for the raw peers. */
export function rawPeerId(n: number): Buffer {
  return Buffer.from(`-RW0100-${String(n).padStart(12, '0')}`, 'ascii');
}

/**
 * A real BtSession listening on 127.0.0.1 with one torrent over
 * MemoryTorrentData (a seed, or a leecher holding nothing), on a ManualClock
 * (no timer fires unless the test advances it) with every message traced to
 * a RecordingDiagnostics; and raw peers the test dials it with.
 */
export class BtSessionUnderTest {
  private peerCount = 0;

  private constructor(
    readonly session: BtSession,
    readonly torrent: Torrent,
    readonly port: number,
    readonly localPeerId: Buffer,
    readonly clock: ManualClock,
    readonly diagnostics: RecordingDiagnostics,
    readonly data: MemoryTorrentData,
    readonly content: Buffer,
    private readonly cleanup: Cleanup,
  ) {}

  /**
   * `seed` makes its random source and so its peer id: sessions meant to meet
   * each other need different ones. `isPrivate`: a torrent without peer exchange.
   */
  static async start(options: { complete: boolean; cleanup: Cleanup; seed?: number; isPrivate?: boolean }): Promise<BtSessionUnderTest> {
    const content = knownBytes(TOTAL_LENGTH, 77);
    const layout = new PieceLayout(TOTAL_LENGTH, PIECE_LENGTH);
    const clock = new ManualClock(1_000);
    const diagnostics = new RecordingDiagnostics();
    const port = await freePort();
    const session = new BtSession({ bind: LOOPBACK, port, clock, diagnostics });
    await session.listen();
    options.cleanup.add(() => session.close());
    const data = new MemoryTorrentData(layout, options.complete ? content : undefined);
    const random = seededRandom(options.seed ?? 5);
    const localPeerId = makePeerId(random, '0100');
    const torrent = session.add({
      infoHash: INFO_HASH,
      geometry: new BlockGeometry(TOTAL_LENGTH, PIECE_LENGTH),
      checker: checkerFor(content, layout),
      data,
      localPeerId,
      clientVersion: 'swarmlab 0.1.0',
      random,
      sources: [],
      traceMessages: true,
      isPrivate: options.isPrivate,
    });
    torrent.start();
    return new BtSessionUnderTest(session, torrent, port, localPeerId, clock, diagnostics, data, content, options.cleanup);
  }

  get pieceCount(): number {
    return this.data.layout.pieceCount;
  }

  /** The true bytes of a block. */
  bytesOf(block: BlockRef): Buffer {
    const start = this.data.layout.offsetOf(block.index) + block.begin;
    return this.content.subarray(start, start + block.length);
  }

  /** A new TCP connection to the session, nothing sent; destroyed after the test. */
  async dial(label: string): Promise<RawBtPeer> {
    const peer = await RawBtPeer.connect(this.port, this.pieceCount, label);
    this.cleanup.add(() => peer.destroy());
    return peer;
  }

  /**
   * A peer past its handshake (with `opening` sent right after it, in the same
   * write) and accepted by the torrent: the session's handshake is read.
   */
  async open(label: string, options: { peerId?: Buffer; caps?: Capabilities; opening?: BtMessage[] } = {}): Promise<RawBtPeer> {
    const peer = await this.dial(label);
    peer.sendHandshake(INFO_HASH, options.peerId ?? rawPeerId(++this.peerCount), options.caps ?? FULL_CAPS);
    if (options.opening) peer.send(...options.opening);
    await peer.handshake();
    await this.debugLine(`connected to ${peer.address} `);
    return peer;
  }

  /** The torrent closed `peer`'s connection, and its debug log says why (`reason` as describeReason words it). */
  async expectDropped(peer: RawBtPeer, reason: string): Promise<void> {
    await peer.waitForClose();
    await this.debugLine(`connection with ${peer.address} ended: ${reason}`);
  }

  /** Like expectDropped, for a connection refused at its peer id (the session's handshake went out, nothing more). */
  async expectRefusedAtPeerId(peer: RawBtPeer, reason: string): Promise<void> {
    await peer.waitForClose();
    await this.debugLine(`connection with ${peer.address} ended before its handshake: ${reason}`);
    expect(peer.remotePeerId).toEqual(this.localPeerId);
    expect(peer.messages).toEqual([]);
  }

  /** The router closed the connection before the session said a byte, and logged why. */
  async expectRefusedByRouter(peer: RawBtPeer, reason: string): Promise<void> {
    await peer.waitForClose();
    await this.debugLine(`incoming connection from ${peer.address} closed: ${reason}`);
    expect(peer.bytesReceived).toBe(0);
  }

  /** A seed serves `peer` the block it asks for now, byte for byte (interest and unchoke first if need be). */
  async expectServes(peer: RawBtPeer, block: BlockRef = { index: 1, begin: BLOCK, length: BLOCK }): Promise<void> {
    const isUnchoked = () => peer.messages.filter((m) => m.kind === 'choke' || m.kind === 'unchoke').at(-1)?.kind === 'unchoke';
    if (!isUnchoked()) {
      peer.send({ kind: 'interested' });
      await peer.until(isUnchoked, 'an unchoke');
    }
    const before = peer.received('piece').length;
    peer.send({ kind: 'request', ...block });
    const piece = await peer.until(() => peer.received('piece').slice(before).find((m) => m.index === block.index && m.begin === block.begin), `piece ${block.index}+${block.begin}`);
    expect(piece.data.equals(this.bytesOf(block))).toBe(true);
    expect(peer.closed).toBe(false);
  }

  /** A leecher session downloads the whole torrent from `seed`, a raw peer that has announced every piece. */
  async expectDownloadsFrom(seed: RawBtPeer): Promise<void> {
    seed.answerRequests((block) => this.bytesOf(block));
    seed.send({ kind: 'unchoke' });
    await eventually(() => this.data.bitfield.isComplete, () => `the download from ${seed.label}: ${this.data.bitfield.count}/${this.pieceCount}; ${seed.transcript()}`);
    expect(this.data.bytes.equals(this.content)).toBe(true);
  }

  /**
   * The session read everything `peer` sent so far and kept the connection:
   * a keep-alive sent now is traced, which it is only once the messages before
   * it were handled without a close.
   */
  async expectStillOpen(peer: RawBtPeer): Promise<void> {
    const line = `from ${peer.address}: keep-alive`;
    const count = () => this.diagnostics.entries.filter((e) => e.message === line).length;
    const before = count();
    peer.send({ kind: 'keep-alive' });
    await eventually(() => count() > before || peer.closed, () => `"${line}"; ${peer.transcript()}`);
    expect(peer.closed).toBe(false);
    expect(this.diagnostics.entries.filter((e) => e.message.startsWith(`connection with ${peer.address} ended`))).toEqual([]);
  }

  /** Nothing went wrong inside the session: no error logged. */
  expectNoErrors(): void {
    expect(this.diagnostics.at('error')).toEqual([]);
  }

  /** A debug line containing `fragment`, once it is logged. */
  async debugLine(fragment: string): Promise<DiagnosticEntry> {
    const entry = await this.diagnostics.waitFor(fragment);
    expect(entry.level).toBe('debug');
    return entry;
  }
}
