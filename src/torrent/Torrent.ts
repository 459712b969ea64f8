import type { Duplex } from 'stream';
import type { Cancel, Clock } from '../common/Clock.js';
import type { Random } from '../common/Random.js';
import type { Bitfield } from '../core/Bitfield.js';
import type { BlockRef } from '../core/BlockRef.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import { MetadataServer } from '../magnet/MetadataServer.js';
import { BtConnection } from '../net/bt/BtConnection.js';
import type { BtPeerEvents } from '../net/bt/BtPeerEvents.js';
import { hostAndPort, isThisMachine } from '../net/hosts.js';
import { describeReason, type DisconnectReason } from '../net/ProtocolHandlers.js';
import type { BlockGeometry } from '../policy/blocks/BlockGeometry.js';
import { PeerTrust } from '../policy/PeerTrust.js';
import type { PieceChecker } from '../storage/PieceStore.js';
import type { DiscoveredPeer, PeerSource, TransferStats } from '../swarm/PeerSource.js';
import type { HandshakeHead } from '../wire/bt/Handshake.js';
import type { ExtensionHandshake } from '../wire/bt/ExtensionHandshake.js';
import { UT_METADATA, type UtMetadataMessage } from '../wire/bt/UtMetadata.js';
import { UT_PEX, type UtPexMessage } from '../wire/bt/UtPex.js';
import { clientName } from '../wire/bt/clientName.js';
import { BlockUploader, MAX_QUEUED_REQUESTS } from './BlockUploader.js';
import { BtChoker } from './BtChoker.js';
import { BtPeer } from './BtPeer.js';
import { Downloader } from './Downloader.js';
import { PeerExchange } from './PeerExchange.js';
import { PeerList } from './PeerList.js';
import type { TorrentData } from './TorrentData.js';
import { TransferTally } from './TransferTally.js';
import type { ConnectionLimits, RateLimiter, TorrentObserver } from './TorrentObserver.js';

/** The per-torrent connection limit, both directions together. */
export const DEFAULT_MAX_PEERS = 50;
const HANDSHAKE_TIMEOUT_MS = 20_000;
/** How often we look for someone to dial and for snubbed peers. */
const HOUSEKEEPING_MS = 2_000;

/** The ids peers send our extended messages under (BEP 10 `m`): libtorrent's numbers. */
const OUR_EXTENSION_IDS = { [UT_PEX]: 1, [UT_METADATA]: 2 };

/** Dials `host:port` (from our bind address): resolves once connected. */
export type DialPeer = (host: string, port: number) => Promise<Duplex>;

export interface TorrentOptions {
  infoHash: Buffer;
  geometry: BlockGeometry;
  checker: PieceChecker;
  data: TorrentData;
  localPeerId: Buffer;
  /** The port we accept peers on (BEP 10 `p`). */
  listenPort: number;
  /** BEP 10 `v`: 'swarmlab 0.1.0'. */
  clientVersion: string;
  clock: Clock;
  random: Random;
  diagnostics: Diagnostics;
  sources: PeerSource[];
  dial: DialPeer;
  maxPeers?: number;
  /** Every message sent and received goes to the diagnostics at debug level. */
  traceMessages?: boolean;
  /** Every piece is on disk and verified (called once, also when we started complete). */
  onComplete?(): void;
  /** Writing a verified piece failed (a full disk, a file gone): the piece is wanted again, but the caller may rather stop. */
  onStorageError?(error: unknown): void;
  /** Told what happens to peers, blocks and pieces. */
  observer?: TorrentObserver;
  /** Upload and download limits: each connection takes its share. */
  limits?: RateLimiter;
  /**
   * A have for every verified piece to every peer, even one that holds it
   * (libtorrent's send_redundant_have): in a closed swarm whose peers leave
   * once all are complete, a seed learns this way that a leecher completed.
   */
  sendRedundantHaves?: boolean;
  /** The info dictionary's bytes as in the .torrent: served to peers that ask for it by ut_metadata (BEP 9), e.g. from a magnet link. */
  infoDictionary?: Buffer;
  /** BEP 27 `private: 1`: no peer exchange (BEP 11), neither sent nor learned. */
  isPrivate?: boolean;
  /** Our DHT node's UDP port, when the session runs one: the handshake's DHT bit is set and the port sent (BEP 5). */
  dhtPort?: number;
  /** A peer's DHT node (its `port` message): the session's node pings it and adds it to its routing table (BEP 5). */
  onDhtNode?(host: string, port: number): void;
}

/** A peer's figures for the summary: kept after it leaves. */
export interface PeerTotals {
  client: string;
  address: string;
  bytesDownloaded: number;
  bytesUploaded: number;
}

export interface TorrentStatus {
  pieceCount: number;
  piecesDone: number;
  bytesLeft: number;
  downloadBytesPerSecond: number;
  uploadBytesPerSecond: number;
  peersConnected: number;
  seedsConnected: number;
  complete: boolean;
  peers: PeerTotals[];
  /** Payload bytes this run. */
  downloaded: number;
  uploaded: number;
}

/**
 * One BitTorrent torrent (architecture.md: "Torrent (thin)"): wires the
 * connections to the downloader (what to ask), the uploaders (what to serve),
 * the choker (whom to serve) and the peer list (whom to dial). It decides
 * little itself: interest, the end of seed-to-seed connections, and bans.
 */
export class Torrent {
  private readonly peers = new Map<string, BtPeer>();
  private readonly uploaders = new Map<string, BlockUploader>();
  private readonly totals = new Map<string, PeerTotals>();
  private readonly peerList = new PeerList();
  private readonly trust = new PeerTrust<string>();
  private readonly downloader: Downloader;
  private readonly choker: BtChoker;
  private readonly maxPeers: number;
  private readonly tally: TransferTally;
  private readonly cancels: Cancel[] = [];
  /** Connections not yet past their handshake, and dials in progress: they count against maxPeers. */
  private pending = 0;
  /** Connections not yet past their handshake: stop() ends them too, or a silent one would hold the session's close. */
  private readonly handshaking = new Set<BtConnection>();
  /** Peers whose connection is being closed for a newer one with the same peer (keepsNewConnection): their address is the newer one's. */
  private readonly replaced = new Set<BtPeer>();
  private nextSerial = 1;
  private completeAnnounced = false;
  private stopped = false;
  private readonly metadata: MetadataServer<string>;
  /** None for a private torrent. */
  private readonly pex: PeerExchange | undefined;

  constructor(private readonly options: TorrentOptions) {
    const { clock, random } = options;
    this.maxPeers = options.maxPeers ?? DEFAULT_MAX_PEERS;
    this.tally = new TransferTally(clock, {
      received: (peer, bytes) => {
        this.choker.recordReceived(peer, bytes);
        options.data.recordTransfer(bytes, 0);
        options.observer?.blockReceived?.(peer, bytes);
      },
      sent: (peer, bytes) => {
        this.choker.recordSent(peer, bytes);
        options.data.recordTransfer(0, bytes);
        options.observer?.blockSent?.(peer, bytes);
      },
    });
    this.downloader = new Downloader({
      geometry: options.geometry,
      data: options.data,
      checker: options.checker,
      clock,
      random,
      events: {
        pieceVerified: (index) => this.pieceVerified(index),
        pieceFailed: (index, contributors) => this.pieceFailed(index, contributors),
        abuse: (peer, why) => peer.wire.close({ kind: 'protocol-violation', code: 'unrequested-blocks', message: why }),
        writeFailed: (index, error) => {
          options.diagnostics.error(`writing piece ${index} failed: ${String(error)}`);
          options.onStorageError?.(error);
        },
        diskBehind: () => this.holdReading(true),
        diskCaughtUp: () => {
          this.holdReading(false);
          this.fillAll();
        },
      },
    });
    this.choker = new BtChoker({
      clock,
      random,
      peers: () => this.peers.values(),
      isSeeding: () => this.isComplete,
      unchoke: (peer) => this.setChoking(peer, false),
      choke: (peer) => this.setChoking(peer, true),
    });
    [this.metadata, this.pex] = this.extensions();
  }

  get infoHash(): Buffer {
    return this.options.infoHash;
  }

  get isComplete(): boolean {
    return this.options.data.bitfield.isComplete;
  }

  /** What trackers are told (BEP 3): this run's payload bytes, and what is still missing. */
  stats(): TransferStats {
    return { uploaded: this.tally.uploaded, downloaded: this.tally.downloaded, left: this.options.data.bytesLeft };
  }

  start(): void {
    this.choker.start();
    this.cancels.push(this.options.clock.every(HOUSEKEEPING_MS, () => this.housekeeping()));
    for (const source of this.options.sources) source.start((found) => this.discovered(found));
    if (this.isComplete) this.completed();
  }

  /** Closes every connection and stops the sources (trackers hear `stopped`). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.choker.stop();
    this.downloader.stop();
    for (const cancel of this.cancels.splice(0)) cancel();
    const closing = [...this.peers.values()].map((peer) => peer.wire);
    for (const wire of [...closing, ...this.handshaking]) wire.close({ kind: 'shutdown' });
    await Promise.all(this.options.sources.map((source) => source.stop()));
  }

  /** Peers reported by a source (tracker, static list); never ourselves (trackers list the asking peer too). */
  discovered(found: readonly DiscoveredPeer[]): void {
    this.peerList.add(found.filter((peer) => !peer.peerId?.equals(this.options.localPeerId)));
    this.dialMore();
  }

  /** An incoming connection whose handshake names this torrent (the session's router read its head). Returns 'taken' or why not. */
  accept(socket: Duplex, address: string, head: HandshakeHead, rest: Buffer): 'taken' | string {
    if (this.stopped) return 'the torrent is stopping';
    if (this.peers.size + this.pending >= this.maxPeers) return `already ${this.maxPeers} peers`;
    this.connect(socket, address, 'inbound', { head, rest });
    return 'taken';
  }

  /** Each piece's rank from its files' priorities (0: never asked for; then the highest first); undefined: all alike. See RequestPlanner.rank. */
  rankPieces(ranks: ArrayLike<number> | undefined): void {
    this.downloader.planner.rank(ranks);
    this.fillAll();
  }

  /** These pieces are asked for before any other, the first first (a region of a file someone is reading); [] for none. */
  prioritise(pieces: readonly number[]): void {
    this.downloader.planner.prioritise(pieces);
    this.fillAll();
  }

  /** The peers past their handshake now (for a status view). */
  connectedPeers(): BtPeer[] {
    return [...this.peers.values()];
  }

  /** Our requests to the peer not answered yet. */
  requestsInFlight(peer: BtPeer): number {
    return this.downloader.planner.outstanding(peer.key).length;
  }

  status(): TorrentStatus {
    const { bitfield } = this.options.data;
    const connected = [...this.peers.values()];
    for (const peer of connected) this.keepTotals(peer);
    return {
      pieceCount: bitfield.pieceCount,
      piecesDone: bitfield.count,
      bytesLeft: this.options.data.bytesLeft,
      downloadBytesPerSecond: this.tally.downloadRate.bytesPerSecond(),
      uploadBytesPerSecond: this.tally.uploadRate.bytesPerSecond(),
      peersConnected: connected.length,
      seedsConnected: connected.filter((peer) => peer.isSeed).length,
      complete: this.isComplete,
      peers: [...this.totals.values()].map((totals) => ({ ...totals })),
      downloaded: this.tally.downloaded,
      uploaded: this.tally.uploaded,
    };
  }

  private housekeeping(): void {
    for (const key of this.downloader.checkSnubs()) {
      this.options.diagnostics.debug(`peer ${this.peers.get(key)?.address ?? key} is snubbing us: its requests go to others`);
    }
    this.fillAll();
    this.dialMore();
    this.pex?.tell(this.connectedPeers());
  }

  /** Dials reported addresses until the connection limit (as a seed too: some peers never dial out). */
  private dialMore(): void {
    const { clock, dial, diagnostics } = this.options;
    while (!this.stopped && this.peers.size + this.pending < this.maxPeers) {
      const target = this.peerList.take(clock.now(), this.isComplete);
      if (!target) return;
      this.pending++;
      dial(target.host, target.port).then(
        (socket) => {
          this.pending--;
          if (this.stopped) return void socket.destroy();
          this.connect(socket, target.address, 'outbound');
        },
        (error: Error) => {
          this.pending--;
          this.peerList.failed(target.address, clock.now());
          diagnostics.debug(`dialling ${target.address} failed: ${error.message}`);
        },
      );
    }
  }

  private connect(socket: Duplex, address: string, direction: 'inbound' | 'outbound', routed?: { head: HandshakeHead; rest: Buffer }): void {
    const { options } = this;
    this.pending++;
    let peer: BtPeer | undefined;
    const events = this.peerEvents(() => peer);
    const limits = options.limits?.forNeighbour();
    const connection = new BtConnection({
      socket,
      direction,
      routed,
      infoHash: options.infoHash,
      localPeerId: options.localPeerId,
      localCaps: { extended: true, fast: true, dht: options.dhtPort !== undefined },
      dhtPort: options.dhtPort,
      geometry: { pieceCount: options.geometry.pieceCount, pieceLength: (index) => options.geometry.pieceLengthOf(index) },
      clock: options.clock,
      extensionHandshake: this.ourExtensionHandshake(),
      checkRemote: (peerId) => {
        if (direction === 'outbound' && peerId.equals(options.localPeerId)) this.peerList.forget(address); // that address is us
        return this.refusal(peerId, direction);
      },
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      trace: options.traceMessages ? (way, message) => options.diagnostics.debug(`${way === 'sent' ? 'to' : 'from'} ${address}: ${message}`) : undefined,
      downloadThrottle: limits && ((bytes) => limits.download(bytes)),
      events: {
        ...events,
        onHandshake: (remote) => {
          this.pending--;
          this.handshaking.delete(connection);
          peer = new BtPeer(this.nextSerial++, address, connection, options.geometry.pieceCount, options.clock);
          peer.peerId = remote.peerId;
          peer.direction = direction;
          this.peers.set(peer.key, peer);
          this.uploaders.set(peer.key, this.uploaderFor(peer, limits));
          if (direction === 'outbound') peer.listenAddress = address;
          options.diagnostics.debug(`connected to ${address} (${clientName(remote.peerId)}, ${direction})`);
          options.observer?.peerConnected?.(peer, direction);
          if (this.downloader.isDiskBehind) connection.holdReading(true);
          connection.sendBitfield(options.data.bitfield);
        },
        onDisconnect: (reason) => {
          limits?.release();
          if (!peer) {
            this.pending--;
            this.handshaking.delete(connection);
            if (direction === 'outbound') this.peerList.failed(address, options.clock.now());
            options.diagnostics.debug(`connection with ${address} ended before its handshake: ${describeReason(reason)}`);
            options.observer?.handshakeFailed?.(address, direction, reason);
            return;
          }
          this.peerGone(peer, reason);
        },
      },
    });
    this.handshaking.add(connection);
  }

  /** What we serve by ut_metadata (BEP 9), and peer exchange (BEP 11) unless the torrent is private (BEP 27). */
  private extensions(): [MetadataServer<string>, PeerExchange | undefined] {
    const { clock, infoDictionary, isPrivate, localPeerId, listenPort } = this.options;
    const metadata = new MetadataServer<string>({ now: () => clock.now() });
    if (infoDictionary) metadata.setInfoDictionary(infoDictionary);
    const self = { peerId: localPeerId, port: listenPort, isOwnHost: isThisMachine };
    return [metadata, isPrivate ? undefined : new PeerExchange({ clock, self, found: (peers) => this.discovered(peers) })];
  }

  /** BEP 10: the extensions we read (ut_metadata when we have an info dictionary to serve, ut_pex unless private), and what the peer should know of us. */
  private ourExtensionHandshake(): ExtensionHandshake {
    const extensions = new Map<string, number>();
    if (this.metadata.metadataSize !== undefined) extensions.set(UT_METADATA, OUR_EXTENSION_IDS[UT_METADATA]);
    if (this.pex) extensions.set(UT_PEX, OUR_EXTENSION_IDS[UT_PEX]);
    const { clientVersion, listenPort } = this.options;
    return { extensions, client: clientVersion, maxRequests: MAX_QUEUED_REQUESTS, port: listenPort, metadataSize: this.metadata.metadataSize };
  }

  /** BEP 9: a request is answered from our info dictionary, or rejected; data and rejects would be for a magnet download, which this is not. */
  private metadataMessage(peer: BtPeer, message: UtMetadataMessage): void {
    if (message.type === 'request') peer.wire.sendMetadataMessage(this.metadata.answer(peer.key, message.piece));
  }

  /** Why a handshake's peer id is not wanted: ourselves, banned, already connected (see keepsNewConnection). */
  private refusal(peerId: Buffer, direction: 'inbound' | 'outbound'): string | undefined {
    if (peerId.equals(this.options.localPeerId)) return 'that is us';
    const hex = peerId.toString('hex');
    if (this.trust.isBanned(hex)) return 'banned: it sent two pieces that failed their hash check';
    for (const peer of this.peers.values()) {
      if (!peer.peerId?.equals(peerId)) continue;
      if (!this.keepsNewConnection(peer, direction)) return `already connected to that peer (${peer.address}), by the connection dialled by the larger peer id`;
      this.replaced.add(peer);
      peer.wire.close({ kind: 'refused', why: 'a second connection with that peer is kept instead: the one dialled by the larger peer id' });
    }
    return undefined;
  }

  /**
   * Two peers that dial each other at once hold two connections, one dialled
   * by each: both must drop the same one, or each drops the one the other
   * keeps and both are lost (at every retry). Both keep the connection
   * dialled by the larger peer id. Two connections dialled by the same side
   * (two addresses of one peer) keep the first.
   */
  private keepsNewConnection(existing: BtPeer, direction: 'inbound' | 'outbound'): boolean {
    if (existing.direction === direction) return false;
    const ours = this.options.localPeerId;
    const theirs = existing.peerId!;
    const newDialledByUs = direction === 'outbound';
    return newDialledByUs ? Buffer.compare(ours, theirs) > 0 : Buffer.compare(theirs, ours) > 0;
  }

  private uploaderFor(peer: BtPeer, limits: ConnectionLimits | undefined): BlockUploader {
    const { clock } = this.options;
    return new BlockUploader({
      peer,
      data: this.options.data,
      throttle:
        limits &&
        ((bytes) => {
          const waitMs = limits.upload(bytes);
          // No timer when nothing is owed: even a 0 ms one per 16 KiB block would cap the rate.
          return waitMs > 0 ? new Promise<void>((resolve) => clock.after(waitMs, resolve)) : Promise.resolve();
        }),
      sent: (bytes) => this.tally.sent(peer, bytes),
      abuse: (why) => peer.wire.close({ kind: 'protocol-violation', code: 'too-many-requests', message: why }),
      readFailed: (block, error) => this.options.diagnostics.error(`reading piece ${block.index} at ${block.begin} failed: ${String(error)}`),
    });
  }

  /** The connection's events, for a peer that exists once the handshake is done. */
  private peerEvents(current: () => BtPeer | undefined): Omit<BtPeerEvents, 'onHandshake' | 'onDisconnect'> {
    const on =
      <A extends unknown[]>(handle: (peer: BtPeer, ...args: A) => void) =>
      (...args: A) => {
        const peer = current();
        if (peer) handle(peer, ...args);
      };
    return {
      onChoke: on((peer) => {
        peer.choking = true;
        this.options.observer?.chokeChanged?.(peer, 'received', true);
        this.downloader.choked(peer);
        this.fillAll();
      }),
      onUnchoke: on((peer) => {
        peer.choking = false;
        this.options.observer?.chokeChanged?.(peer, 'received', false);
        this.downloader.fill(peer);
      }),
      onInterested: on((peer) => {
        peer.interested = true;
        this.choker.refresh();
      }),
      onNotInterested: on((peer) => {
        peer.interested = false;
        this.choker.refresh();
      }),
      onHave: on((peer, index: number) => {
        if (!peer.has.set(index)) return;
        this.downloader.have(index);
        this.options.observer?.peerHas?.(peer);
        this.peerHasChanged(peer);
      }),
      onBitfield: on((peer, has: Bitfield) => {
        this.downloader.bitfieldReplaced(peer, has); // usually the first; real clients send later ones too
        peer.has = has;
        this.options.observer?.peerHas?.(peer);
        this.peerHasChanged(peer);
      }),
      onRequest: on((peer, block: BlockRef) => this.uploaders.get(peer.key)?.request(block)),
      onCancel: on((peer, block: BlockRef) => this.uploaders.get(peer.key)?.cancel(block)),
      onReject: on((peer, block: BlockRef) => {
        this.downloader.rejected(peer, block);
        this.fillAll();
      }),
      onPiece: on((peer, block: BlockRef, data: Buffer) => {
        this.tally.received(peer, block.length);
        this.downloader.block(peer, block, data, (key, other) => this.peers.get(key)?.wire.sendCancel(other));
        this.downloader.fill(peer);
      }),
      onExtensionHandshake: on((peer, handshake: ExtensionHandshake) => {
        peer.reqq = handshake.maxRequests;
        peer.clientVersion = handshake.client;
        if (peer.listenAddress === undefined && handshake.port !== undefined) this.learnListenAddress(peer, handshake.port);
        this.pex?.announced(peer, handshake);
      }),
      onMetadataMessage: on((peer, message: UtMetadataMessage) => this.metadataMessage(peer, message)),
      onPex: on((peer, message: UtPexMessage) => this.pex?.received(peer, message)),
      onDhtPort: on((peer, port: number) => this.options.onDhtNode?.(hostAndPort(peer.address).host, port)),
    };
  }

  /**
   * One connection per peer, also by address (the issue): a peer that dialled
   * us says where it listens (BEP 10 `p`); we do not dial that address while it
   * is connected, and a connection to an address another connection holds is a
   * duplicate. A dial to it still under way is not: if it is the same peer
   * dialling us at the same moment, the peer-id tie-break (keepsNewConnection)
   * settles the pair once that dial's handshake is read, the same way on both
   * sides; closing this one here could close the one the other side keeps.
   */
  private learnListenAddress(peer: BtPeer, port: number): void {
    const listenAddress = `${hostAndPort(peer.address).host}:${port}`;
    const heldByAnother = [...this.peers.values()].some((other) => other !== peer && other.listenAddress === listenAddress && !this.replaced.has(other));
    if (heldByAnother) return peer.wire.close({ kind: 'refused', why: `already connected to ${listenAddress}` });
    peer.listenAddress = listenAddress;
    this.peerList.claim(listenAddress);
  }

  /** A bitfield or have: perhaps it has something we want now; perhaps it is a seed meeting a seed. */
  private peerHasChanged(peer: BtPeer): void {
    if (this.isComplete && peer.isSeed) return peer.wire.close({ kind: 'refused', why: 'we are both seeds' });
    this.updateInterest(peer);
    this.downloader.fill(peer);
  }

  private updateInterest(peer: BtPeer): void {
    const wanted = !this.isComplete && peer.has.hasAnyMissingFrom(this.options.data.bitfield);
    if (wanted === peer.amInterested) return;
    peer.amInterested = wanted;
    if (wanted) peer.wire.sendInterested();
    else peer.wire.sendNotInterested();
  }

  private setChoking(peer: BtPeer, choking: boolean): void {
    peer.amChoking = choking;
    this.options.observer?.chokeChanged?.(peer, 'sent', choking);
    const uploader = this.uploaders.get(peer.key);
    if (choking) {
      peer.wire.sendChoke();
      uploader?.choked();
    } else {
      peer.wire.sendUnchoke();
      uploader?.unchoked();
    }
  }

  private fillAll(): void {
    for (const peer of this.peers.values()) this.downloader.fill(peer);
  }

  /** Disk back-pressure (Downloader.isDiskBehind) on every peer's socket. */
  private holdReading(held: boolean): void {
    for (const peer of this.peers.values()) peer.wire.holdReading(held);
  }

  private pieceVerified(index: number): void {
    this.options.observer?.pieceVerified?.(index);
    for (const peer of this.peers.values()) {
      if (this.options.sendRedundantHaves || !peer.has.has(index)) peer.wire.sendHave(index);
      this.updateInterest(peer);
    }
    if (this.isComplete) this.completed();
  }

  /** BEP 3 leaves it to us; we do what the course does: a first bad piece is parole, a second a ban. */
  private pieceFailed(index: number, contributors: string[]): void {
    const { diagnostics } = this.options;
    for (const key of contributors) {
      const peer = this.peers.get(key);
      if (!peer?.peerId) continue;
      this.options.observer?.badPiece?.(index, peer);
      const verdict = this.trust.badPiece(peer.peerId.toString('hex'));
      diagnostics.warn(`piece ${index} failed its hash check; ${peer.address} sent bad data for it: ${verdict}`);
      if (verdict === 'ban') {
        this.peerList.forget(peer.address);
        peer.wire.close({ kind: 'refused', why: 'banned: two pieces that failed their hash check' });
      }
    }
    this.fillAll();
  }

  /** Every piece is here: not interested in anyone, no seed-to-seed connections, trackers told once. */
  private completed(): void {
    for (const peer of this.peers.values()) {
      this.updateInterest(peer);
      if (peer.isSeed) peer.wire.close({ kind: 'refused', why: 'we are both seeds' });
    }
    if (this.completeAnnounced) return;
    this.completeAnnounced = true;
    for (const source of this.options.sources) source.completed();
    this.options.onComplete?.();
  }

  private peerGone(peer: BtPeer, reason: DisconnectReason): void {
    const { diagnostics, clock } = this.options;
    this.keepTotals(peer);
    this.peers.delete(peer.key);
    this.uploaders.get(peer.key)?.stop();
    this.uploaders.delete(peer.key);
    this.downloader.gone(peer);
    this.choker.gone(peer);
    this.metadata.forgetPeer(peer.key);
    this.pex?.gone(peer);
    this.options.observer?.peerGone?.(peer, reason);
    // A connection replaced by a newer one with the same peer leaves the address to it.
    const addressStillHeld = [...this.peers.values()].some((other) => other.listenAddress === peer.listenAddress);
    if (peer.listenAddress && !addressStillHeld) this.peerList.ended(peer.listenAddress, clock.now(), peer.isSeed);
    this.replaced.delete(peer);
    diagnostics.debug(`connection with ${peer.address} ended: ${describeReason(reason)}`);
    if (this.stopped) return;
    this.choker.refresh();
    this.fillAll();
    this.dialMore();
  }

  private keepTotals(peer: BtPeer): void {
    this.totals.set(peer.key, {
      client: clientName(peer.peerId ?? Buffer.alloc(0), peer.clientVersion),
      address: peer.address,
      bytesDownloaded: peer.bytesDownloaded,
      bytesUploaded: peer.bytesUploaded,
    });
  }
}
