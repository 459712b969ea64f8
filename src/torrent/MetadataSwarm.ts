import type { Duplex } from 'stream';
import type { Cancel, Clock } from '../common/Clock.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import { MetadataFetcher } from '../magnet/MetadataFetcher.js';
import { BtConnection } from '../net/bt/BtConnection.js';
import type { BtPeerEvents } from '../net/bt/BtPeerEvents.js';
import { describeReason } from '../net/ProtocolHandlers.js';
import type { DiscoveredPeer, PeerSource } from '../swarm/PeerSource.js';
import { UT_METADATA, type ExtensionHandshake, type UtMetadataMessage } from '../wire/bt/index.js';
import { PeerList } from './PeerList.js';

/** Connections at once while fetching: the info dictionary is small, a few peers that have it suffice. */
export const METADATA_MAX_PEERS = 20;
/** How often requests given up (a silent peer) are handed to others, and more peers dialled. */
const HOUSEKEEPING_MS = 2_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** The id we read ut_metadata under (BEP 10 `m`); any in 1-255 would do. */
const OUR_UT_METADATA_ID = 2;

export interface MetadataSwarmOptions {
  infoHash: Buffer;
  localPeerId: Buffer;
  listenPort: number;
  clientVersion: string;
  /** The magnet link, for messages. */
  label: string;
  dial(host: string, port: number): Promise<Duplex>;
  /** Where peers come from: the link's trackers and peers, the DHT. */
  sources: readonly PeerSource[];
  clock: Clock;
  diagnostics: Diagnostics;
}

export type MetadataOutcome =
  /** The info dictionary, hashing to the info-hash and a usable torrent named `name`; every peer a source gave. */
  | { kind: 'complete'; infoDictionary: Buffer; name: string; peers: DiscoveredPeer[] }
  /** The info-hash matched, but the dictionary is not a torrent we can use: why. */
  | { kind: 'unusable'; problem: string };

/**
 * A magnet link's first step (BEP 9): find peers of the info-hash, ask those
 * that offer ut_metadata for the info dictionary piece by piece
 * (MetadataFetcher), and check it against the info-hash. Its connections
 * know no pieces yet, so they send no bitfield and ignore the peers' (the
 * torrent that follows dials them again, with the pieces known). A peer that
 * sends metadata which does not hash right, or does not fit what it
 * announced, is dropped.
 */
export class MetadataSwarm {
  private readonly fetcher: MetadataFetcher<string>;
  private readonly peerList = new PeerList();
  private readonly connections = new Map<string, BtConnection>();
  /** Every address a source gave: handed on to the torrent that follows. */
  private readonly found = new Map<string, DiscoveredPeer>();
  private pending = 0;
  private stopped = false;
  private cancelHousekeeping: Cancel = () => {};
  private settle!: (outcome: MetadataOutcome) => void;
  readonly outcome: Promise<MetadataOutcome>;

  constructor(private readonly options: MetadataSwarmOptions) {
    const { clock, infoHash, label } = options;
    this.fetcher = new MetadataFetcher<string>({ infoHash, label, now: () => clock.now() });
    this.outcome = new Promise((resolve) => (this.settle = resolve));
  }

  start(): void {
    for (const source of this.options.sources) source.start((peers) => this.discovered(peers));
    this.cancelHousekeeping = this.options.clock.every(HOUSEKEEPING_MS, () => this.housekeeping());
  }

  /** Closes every connection and stops the sources. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelHousekeeping();
    for (const connection of this.connections.values()) connection.close({ kind: 'shutdown' });
    await Promise.all(this.options.sources.map((source) => source.stop()));
  }

  private discovered(peers: readonly DiscoveredPeer[]): void {
    for (const peer of peers) this.found.set(`${peer.host}:${peer.port}`, peer);
    this.peerList.add(peers);
    this.dialMore();
  }

  private housekeeping(): void {
    for (const { peer } of this.fetcher.expireRequests()) this.options.diagnostics.debug(`${peer} did not answer a metadata request in time`);
    for (const [address, connection] of this.connections) this.sendRequests(address, connection);
    this.dialMore();
  }

  private dialMore(): void {
    const { clock, dial, diagnostics } = this.options;
    while (!this.stopped && this.connections.size + this.pending < METADATA_MAX_PEERS) {
      const target = this.peerList.take(clock.now(), false);
      if (!target) return;
      this.pending++;
      dial(target.host, target.port).then(
        (socket) => {
          this.pending--;
          if (this.stopped) return void socket.destroy();
          this.connect(socket, target.address);
        },
        (error: Error) => {
          this.pending--;
          this.peerList.failed(target.address, clock.now());
          diagnostics.debug(`dialling ${target.address} for metadata failed: ${error.message}`);
        },
      );
    }
  }

  private connect(socket: Duplex, address: string): void {
    const { options } = this;
    const connection: BtConnection = new BtConnection({
      socket,
      direction: 'outbound',
      infoHash: options.infoHash,
      localPeerId: options.localPeerId,
      localCaps: { extended: true, fast: false, dht: false },
      clock: options.clock,
      extensionHandshake: { extensions: new Map([[UT_METADATA, OUR_UT_METADATA_ID]]), client: options.clientVersion, port: options.listenPort },
      checkRemote: (peerId) => (peerId.equals(options.localPeerId) ? 'that is us' : undefined),
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      events: this.eventsOf(address, (): BtConnection => connection),
    });
    this.connections.set(address, connection);
  }

  private eventsOf(address: string, connection: () => BtConnection): BtPeerEvents {
    const ignore = () => {};
    return {
      onHandshake: ignore,
      onChoke: ignore,
      onUnchoke: ignore,
      onInterested: ignore,
      onNotInterested: ignore,
      onHave: ignore,
      onBitfield: ignore,
      onRequest: ignore,
      onCancel: ignore,
      onReject: ignore,
      onPiece: ignore,
      onPex: ignore,
      onExtensionHandshake: (handshake: ExtensionHandshake) => {
        const added = this.fetcher.addPeer(address, handshake);
        this.options.diagnostics.debug(`${address} for metadata: ${added}`);
        if (added === 'added') this.sendRequests(address, connection());
        else connection().close({ kind: 'refused', why: `it offers no metadata we can fetch (${added})` });
      },
      onMetadataMessage: (message: UtMetadataMessage) => this.metadataMessage(address, connection(), message),
      onDisconnect: (reason) => {
        this.connections.delete(address);
        this.fetcher.removePeer(address);
        this.peerList.ended(address, this.options.clock.now(), false);
        this.options.diagnostics.debug(`metadata connection with ${address} ended: ${describeReason(reason)}`);
        this.dialMore();
      },
    };
  }

  private metadataMessage(address: string, connection: BtConnection, message: UtMetadataMessage): void {
    if (message.type === 'request') return connection.sendMetadataMessage({ type: 'reject', piece: message.piece }); // we have none yet
    if (message.type === 'reject') {
      this.fetcher.onReject(address, message.piece);
      return this.sendRequests(address, connection);
    }
    const outcome = this.fetcher.onData(address, message.piece, message.totalSize, message.data);
    switch (outcome.kind) {
      case 'stored':
        return this.sendRequests(address, connection);
      case 'misbehaving':
        return connection.close({ kind: 'protocol-violation', code: 'bad-extension-message', message: outcome.problem });
      case 'hash-mismatch':
        for (const peer of outcome.blamed) this.connections.get(peer)?.close({ kind: 'protocol-violation', code: 'bad-extension-message', message: 'sent metadata that does not hash to the info-hash' });
        return;
      case 'complete':
        return this.settle({ kind: 'complete', infoDictionary: outcome.infoDictionary, name: outcome.metaInfo.name, peers: [...this.found.values()] });
      case 'unusable':
        return this.settle({ kind: 'unusable', problem: outcome.error.message });
      default:
        return; // ignored: not asked of this peer, or already complete
    }
  }

  private sendRequests(address: string, connection: BtConnection): void {
    for (const piece of this.fetcher.requestsFor(address)) connection.sendMetadataMessage({ type: 'request', piece });
  }
}
