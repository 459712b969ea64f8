import type { Cancel, Clock } from '../../common/Clock.js';
import type { Random } from '../../common/Random.js';
import type { PeerInfo } from '../../config/PeerInfo.js';
import type { Bitfield } from '../../core/Bitfield.js';
import type { DhtNode } from '../../dht/DhtNode.js';
import { DhtPeerSource } from '../../dht/DhtPeerSource.js';
import type { Diagnostics } from '../../log/DiagnosticLog.js';
import type { MetaInfo } from '../../metainfo/MetaInfo.js';
import { listenAddressFor } from '../../net/hosts.js';
import { describeReason } from '../../net/ProtocolHandlers.js';
import { EventBus } from '../../node/EventBus.js';
import type { NodeOutcome } from '../../node/PeerNode.js';
import type { PeerStatus } from '../../node/PeerStatus.js';
import { RateLimits, type RateLimitSettings } from '../../node/RateLimits.js';
import { BlockGeometry } from '../../policy/blocks/BlockGeometry.js';
import { BtSession } from '../../session/BtSession.js';
import type { PieceChecker } from '../../storage/PieceStore.js';
import type { PeerSource } from '../../swarm/PeerSource.js';
import { TrackerSource } from '../../swarm/tracker/TrackerSource.js';
import type { BtPeer } from '../../torrent/BtPeer.js';
import type { Torrent } from '../../torrent/Torrent.js';
import type { TorrentData } from '../../torrent/TorrentData.js';
import type { TorrentObserver } from '../../torrent/TorrentObserver.js';
import { clientName } from '../../wire/bt/clientName.js';
import { peerIdVersion } from '../../wire/bt/PeerId.js';
import type { BtNodeEvents } from './BtNodeEvents.js';
import { BtPeerStats } from './BtPeerStats.js';
import { describeBtPeer, type ConnectedNeighbour } from './describeBtPeer.js';
import { ListedPeerSource } from './ListedPeerSource.js';
import { listedIdOf, listedPeerId } from './listedPeerId.js';
import { ListedSwarm } from './ListedSwarm.js';

/** A local DHT's rounds (a lookup, then an announce): seconds, not BEP 5's minutes, so that a swarm of a few seconds meets. */
export const LOCAL_DHT_ROUND_MS = 2_000;

/** As the course node: a complete peer alone this long concludes the others finished. */
const DEFAULT_ALONE_TIMEOUT_MS = 30_000;

export interface BtPeerNodeOptions {
  self: PeerInfo;
  /** Every peer of PeerInfo.cfg, in file order. */
  peers: readonly PeerInfo[];
  /**
   * `isPrivate`: a listed swarm's torrents are (seedFiles makes them so): no peer exchange (BEP 27).
   * `infoDictionary`, when given, is served to peers that ask for it (BEP 9): a leecher of a DHT set-up starts from the info-hash alone.
   */
  meta: Pick<MetaInfo, 'infoHash' | 'length' | 'pieceLength' | 'trackerTiers' | 'isPrivate'> & Partial<Pick<MetaInfo, 'infoDictionary'>>;
  store: TorrentData & { close(): Promise<void> };
  checker: PieceChecker;
  clock: Clock;
  random: Random;
  diag: Diagnostics;
  /** Ours (package.json's): in the peer id and the extension handshake. */
  version: string;
  rateLimits?: RateLimitSettings;
  /** Started again after a crash: complete and unable to reach anyone, it concludes the others finished. */
  resumed?: boolean;
  aloneTimeoutMs?: number;
  /** Every message sent and received goes to the diagnostics at debug level. */
  traceMessages?: boolean;
  /** `PeerDiscovery dht`: peers are found through this DHT node alone (no list, no tracker). */
  dht?: DhtNode;
}

/** One listening session and its torrent: from start (or resume) to pause (or stop). */
interface Life {
  session: BtSession;
  torrent: Torrent;
  /** Connected peers by torrent key: their PeerInfo.cfg ID (undefined for a peer not listed) and who dialled. */
  neighbours: Map<string, { peerId?: number; direction: 'outbound' | 'inbound' }>;
}

/**
 * A peer of PeerInfo.cfg that speaks standard BitTorrent (Common.cfg
 * `Protocol bittorrent`), standing where the course's PeerNode stands for
 * `swarmlab swarm`: the same events, status, pause, resume and rate limits,
 * and the same end (ListedSwarm: every listed peer complete). The session and
 * torrent do the work; this wires them to the launcher's world and remembers
 * what outlives a pause.
 */
export class BtPeerNode {
  readonly bus = new EventBus<BtNodeEvents>();
  readonly stats: BtPeerStats;
  readonly rateLimits: RateLimits;
  readonly finished: Promise<NodeOutcome>;
  private readonly swarm: ListedSwarm;
  /**
   * The pieces the torrent has announced (held at the start, then each told
   * verified): a store may mark a piece held a moment before the torrent
   * sends its haves, and the run must not end in between, or the others never
   * hear of it.
   */
  private readonly announced: Bitfield;
  private life: Life | undefined;
  private state: PeerStatus['state'] = 'running';
  private completeTold: boolean;
  private cancelAloneTimer: Cancel | undefined;
  private settle!: (outcome: NodeOutcome) => void;

  constructor(private readonly options: BtPeerNodeOptions) {
    this.finished = new Promise((resolve) => (this.settle = resolve));
    this.stats = new BtPeerStats(options.clock, options.meta.pieceLength);
    this.rateLimits = new RateLimits(options.clock, options.rateLimits);
    this.swarm = new ListedSwarm(options.self, options.peers);
    this.announced = options.store.bitfield.clone();
    this.completeTold = this.announced.isComplete;
  }

  /** Binds the listening port (rejects with PortInUseError), then finds peers through the static list and the tracker. */
  async start(): Promise<void> {
    await this.begin();
    this.bus.emit('listening', { port: this.options.self.port });
    // A complete peer started again after everyone else finished never gets a connection to lose.
    if (this.options.resumed) this.watchForBeingAlone();
    this.checkFinished();
  }

  /** Closes every connection (trackers hear `stopped`), then the store. */
  async stop(outcome: NodeOutcome = { kind: 'complete' }): Promise<void> {
    if (this.state === 'stopping') return;
    this.state = 'stopping';
    this.cancelAloneTimer?.();
    await this.end();
    const closeError = await this.options.store.close().then(
      () => undefined,
      (error: Error) => error,
    );
    this.settle(closeError && outcome.kind === 'complete' ? { kind: 'failed', error: closeError } : outcome);
  }

  /** Control interface: every connection closed, not listening or dialling, the pieces kept. */
  async pause(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'paused';
    this.cancelAloneTimer?.();
    this.cancelAloneTimer = undefined;
    this.options.diag.warn('paused: every connection closed; not listening or dialling until resumed');
    this.bus.emit('paused', {});
    await this.end();
  }

  /** Listens and finds peers again; their bitfields say what is still needed. */
  async resume(): Promise<void> {
    if (this.state !== 'paused') return;
    await this.begin();
    this.state = 'running';
    this.options.diag.info('resumed: listening and dialling again');
    this.bus.emit('resumed', {});
    this.checkFinished();
  }

  status(): PeerStatus {
    return describeBtPeer({
      peerId: this.options.self.peerId,
      state: this.state,
      ours: this.options.store.bitfield,
      neighbours: this.connectedNeighbours(),
      stats: this.stats,
      limits: this.rateLimits.current,
    });
  }

  private async begin(): Promise<void> {
    const { self, meta, clock, random, diag, version } = this.options;
    const session = new BtSession({ bind: listenAddressFor(self.host), port: self.port, clock, diagnostics: diag });
    await session.listen();
    const localPeerId = listedPeerId(self.peerId, random, peerIdVersion(version));
    const neighbours: Life['neighbours'] = new Map();
    let torrent: Torrent | undefined;
    const { dht } = this.options;
    const sources: PeerSource[] = dht
      ? [new DhtPeerSource({ node: dht, infoHash: meta.infoHash, peerId: localPeerId, port: self.port, peerCount: () => torrent?.status().peersConnected ?? 0, clock, diagnostics: diag, roundEveryMs: LOCAL_DHT_ROUND_MS })]
      : [new ListedPeerSource({ wanted: () => this.wanted(), clock })];
    if (!dht && meta.trackerTiers.length > 0) {
      const stats = () => torrent?.stats() ?? { uploaded: 0, downloaded: 0, left: this.options.store.bytesLeft };
      sources.push(new TrackerSource({ infoHash: meta.infoHash, peerId: localPeerId, port: self.port, tiers: meta.trackerTiers, stats, clock, random, diagnostics: diag }));
    }
    torrent = session.add({
      infoHash: meta.infoHash,
      isPrivate: meta.isPrivate,
      geometry: new BlockGeometry(meta.length, meta.pieceLength),
      checker: this.options.checker,
      data: this.options.store,
      localPeerId,
      clientVersion: `swarmlab ${version}`,
      random,
      sources,
      traceMessages: this.options.traceMessages,
      observer: this.observe(neighbours),
      limits: this.rateLimits,
      sendRedundantHaves: true,
      infoDictionary: meta.infoDictionary,
      dhtPort: dht && self.port,
      onDhtNode: dht && ((host, port) => dht.addNode(host, port)),
    });
    this.life = { session, torrent, neighbours };
    torrent.start();
  }

  /** Closes this life's session (and its torrent's connections). */
  private async end(): Promise<void> {
    const life = this.life;
    this.life = undefined;
    await life?.session.close();
  }

  /** While downloading, every other listed peer; once complete, only those not known complete (the others have nothing to tell). */
  private wanted(): readonly PeerInfo[] {
    return this.announced.isComplete ? this.swarm.waitingFor : this.options.peers.filter((p) => p.peerId !== this.options.self.peerId);
  }

  private observe(neighbours: Life['neighbours']): TorrentObserver {
    const { diag } = this.options;
    const { bus, stats, swarm } = this;
    const idOf = (peer: BtPeer) => neighbours.get(peer.key)?.peerId;
    return {
      peerConnected: (peer, direction) => {
        const listed = peer.peerId ? listedIdOf(peer.peerId) : undefined;
        const peerId = listed !== undefined && swarm.isListed(listed) ? listed : undefined;
        neighbours.set(peer.key, { peerId, direction });
        this.cancelAloneTimer?.();
        this.cancelAloneTimer = undefined;
        if (peerId === undefined) return diag.info(`connected to ${peer.address} (${clientName(peer.peerId ?? Buffer.alloc(0))}, ${direction}), a peer not listed in PeerInfo.cfg`);
        diag.info(`connected to peer ${peerId} at ${peer.address} (${direction})`);
        bus.emit('connected', { peerId, direction });
      },
      peerHas: (peer) => {
        const peerId = idOf(peer);
        if (peerId === undefined || !swarm.sawHoldings(peerId, peer.isSeed)) return;
        diag.info(`peer ${peerId} has the complete file (${swarm.knownComplete} of the ${swarm.otherCount} other peers known complete)`);
        this.checkFinished();
      },
      peerGone: (peer, reason) => {
        const peerId = idOf(peer);
        neighbours.delete(peer.key);
        diag.info(`connection with ${peerId === undefined ? peer.address : `peer ${peerId}`} ended: ${describeReason(reason)}`);
        if (peerId !== undefined) bus.emit('disconnected', { peerId, reason });
        this.watchForBeingAlone();
      },
      handshakeFailed: (_address, direction, reason) => bus.emit('handshakeFailed', { direction, reason }),
      blockReceived: (peer, bytes) => {
        const peerId = idOf(peer);
        stats.record(peerId, bytes, 0);
        if (peerId !== undefined) bus.emit('pieceDownloaded', { from: peerId, bytes });
      },
      blockSent: (peer, bytes) => {
        const peerId = idOf(peer);
        stats.record(peerId, 0, bytes);
        if (peerId !== undefined) bus.emit('pieceUploaded', { to: peerId, bytes });
      },
      chokeChanged: (peer, way, choking) => {
        const peerId = idOf(peer);
        if (peerId !== undefined) bus.emit('chokeChanged', { peerId, way, choking });
      },
      badPiece: (index, peer) => {
        const peerId = idOf(peer);
        if (peerId !== undefined) bus.emit('pieceRejected', { index, from: peerId });
      },
      pieceVerified: (index) => {
        this.announced.set(index);
        if (this.completeTold || !this.announced.isComplete) return;
        this.completeTold = true;
        diag.info(`download complete: every piece verified (${swarm.knownComplete} of the ${swarm.otherCount} other peers known complete)`);
        bus.emit('downloadComplete', {});
        this.checkFinished();
      },
    };
  }

  private connectedNeighbours(): ConnectedNeighbour[] {
    const life = this.life;
    if (!life) return [];
    return life.torrent.connectedPeers().flatMap((peer) => {
      const known = life.neighbours.get(peer.key);
      if (known?.peerId === undefined) return [];
      return [{ peerId: known.peerId, peer, direction: known.direction, requestsInFlight: life.torrent.requestsInFlight(peer) }];
    });
  }

  /**
   * The run ends as the course's does: once we and every listed peer hold
   * the whole file. The stop waits for the current call to return, so the
   * torrent first sends the haves of the piece that completed us.
   */
  private checkFinished(): void {
    if (this.state !== 'running' || !this.swarm.isFinished(this.announced.isComplete)) return;
    this.options.diag.info('every peer listed in PeerInfo.cfg has the complete file: closing connections');
    this.bus.emit('allComplete', {});
    queueMicrotask(() => void this.stop());
  }

  /**
   * As the course node (PeerNode.watchForBeingAlone): a complete peer whose
   * last connection ended, or that was started again and reaches nobody, and
   * that nobody comes back to, concludes the others finished and left.
   */
  private watchForBeingAlone(): void {
    if (this.state !== 'running' || this.cancelAloneTimer || !this.announced.isComplete || this.connectedCount() > 0) return;
    const timeoutMs = this.options.aloneTimeoutMs ?? DEFAULT_ALONE_TIMEOUT_MS;
    this.cancelAloneTimer = this.options.clock.after(timeoutMs, () => {
      this.cancelAloneTimer = undefined;
      if (this.state !== 'running' || this.connectedCount() > 0) return;
      const waiting = this.swarm.waitingFor.map((p) => p.peerId).join(', ');
      this.options.diag.warn(`we hold the complete file and no peer came for ${timeoutMs / 1000} s: the others (${waiting} not seen complete) are taken to have finished`);
      void this.stop();
    });
  }

  private connectedCount(): number {
    return this.life?.torrent.connectedPeers().length ?? 0;
  }
}
