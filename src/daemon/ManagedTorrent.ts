import { promises as fs } from 'fs';
import type { Bitfield } from '../core/Bitfield.js';
import type { MagnetLink } from '../magnet/MagnetLink.js';
import { torrentFileBytes } from '../magnet/torrentFile.js';
import { parseMetaInfo, type MetaInfo } from '../metainfo/MetaInfo.js';
import { PieceVerifier } from '../metainfo/PieceVerifier.js';
import { torrentFacts } from '../metainfo/torrentFacts.js';
import { hostAndPort } from '../net/hosts.js';
import { replaceAtomically } from '../storage/atomicFile.js';
import { FileMap } from '../storage/FileMap.js';
import type { HashProgress } from '../storage/pieceHashes.js';
import { TorrentStore } from '../storage/TorrentStore.js';
import type { DiscoveredPeer } from '../swarm/PeerSource.js';
import type { TrackerSource } from '../swarm/tracker/TrackerSource.js';
import { MetadataSwarm } from '../torrent/MetadataSwarm.js';
import type { Torrent } from '../torrent/Torrent.js';
import type { FilePriority, TorrentPeer, TorrentState } from './api/contract.js';
import { peerView } from './peerView.js';
import type { DaemonContext } from './DaemonContext.js';
import { lastKnownPieces } from './lastKnownPieces.js';
import type { TorrentRecord } from './SessionFile.js';
import { torrentSources } from './torrentSources.js';
import { DaemonError } from './DaemonControl.js';
import { fileStream, type FileStream } from './FileReader.js';
import { deleteTorrentFiles } from './deleteTorrentFiles.js';
import { PieceWaiters } from './PieceWaiters.js';
import { pieceRanks, previewPieces, prioritiesOf, wantedHeld } from './filePriorities.js';
import { NO_LIMITS, TorrentRateLimits, type TorrentLimits } from './TorrentRateLimits.js';

/** What runs while the torrent is started: its files and its swarm. */
interface Running {
  store: TorrentStore;
  torrent: Torrent;
  tracker: TrackerSource | undefined;
}

/**
 * One torrent in the daemon and its life cycle: fetching its metadata (a
 * magnet link), checking its files, trading (downloading, seeding), paused,
 * or stopped by an error. Every change of state is one operation in a queue
 * of its own, so a pause that comes during a check waits for the check, and
 * two clicks never run at once. What must survive a restart is in `record`
 * (saved by the daemon through `ctx.changed`); the pieces are in the resume
 * state, the metadata in the .torrent copy.
 */
export class ManagedTorrent {
  private meta: MetaInfo | undefined;
  private running: Running | undefined;
  private fetching: MetadataSwarm | undefined;
  private checking: HashProgress | undefined;
  /** The pieces held when last looked at: the store's while it is open, the resume state's before. */
  private held: Bitfield | undefined;
  /** Its resume state vouches for its files (as read at start, or written at its last stop): opening them hashes nothing. */
  private resumeTrusted = false;
  private totals = { bytesDownloaded: 0, bytesUploaded: 0 };
  private operations: Promise<unknown> = Promise.resolve();
  private removed = false;
  /** Peers met fetching the metadata, or connected when it was paused: the torrent dials them first. */
  private knownPeers: DiscoveredPeer[] = [];
  /** While paused: the peers it had then, with the share of the pieces each held (their bitfields). */
  private peersWhenPaused: TorrentPeer[] = [];
  private readonly rateLimits: TorrentRateLimits;
  /** The pieces a stream reads next, asked for first (also once the torrent starts). */
  private streamPieces: readonly number[] = [];
  /** Each piece's rank from its files' priorities; undefined: all normal. */
  private ranks: number[] | undefined;
  /** Streams waiting for pieces (FileReader): told when one is held, or that the torrent stopped. */
  private readonly pieceWaiters = new PieceWaiters();

  constructor(
    readonly record: TorrentRecord,
    private readonly ctx: DaemonContext,
    meta: MetaInfo | undefined,
    private readonly link: MagnetLink | undefined,
  ) {
    this.meta = meta;
    this.rateLimits = new TorrentRateLimits(ctx.limits, ctx.clock, record.limits ?? NO_LIMITS);
    this.ranks = meta && pieceRanks(meta, this.priorities);
  }

  /** Each file's priority (all `normal` before the metadata). */
  get priorities(): FilePriority[] {
    return this.meta ? prioritiesOf(this.meta, this.record.priorities) : [];
  }

  /** Files' new priorities, and whether each wanted file's first and last pieces come first: applied at once, saved. */
  async setFiles(changes: readonly { index: number; priority: FilePriority }[], firstAndLastFirst: boolean | undefined): Promise<void> {
    if (changes.length > 0) {
      if (!this.meta) throw new DaemonError('conflict', 'its metadata is not known yet: it has no files to set');
      const priorities = this.priorities;
      for (const { index, priority } of changes) {
        if (!(index in priorities) || this.meta.files[index].padding) throw new DaemonError('not-found', `the torrent has no file ${index}`);
        priorities[index] = priority;
      }
      if (priorities.every((priority) => priority === 'normal')) delete this.record.priorities;
      else this.record.priorities = priorities;
      this.ranks = pieceRanks(this.meta, priorities);
      this.running?.torrent.rankPieces(this.ranks);
    }
    if (firstAndLastFirst !== undefined) {
      if (firstAndLastFirst) this.record.firstAndLastFirst = true;
      else delete this.record.firstAndLastFirst;
    }
    this.applyUrgent();
    await this.ctx.changed(this);
  }

  get firstAndLastFirst(): boolean {
    return this.record.firstAndLastFirst === true;
  }

  /** A stream's pieces first, then (when asked) each wanted file's first and last. */
  private applyUrgent(): void {
    const preview = this.meta && this.firstAndLastFirst ? previewPieces(this.meta, this.priorities) : [];
    this.running?.torrent.prioritise([...this.streamPieces, ...preview]);
  }

  get limits(): TorrentLimits {
    return this.rateLimits.current;
  }

  /** Changes its limits at once, its connections' too; saved. */
  async setLimits(limits: TorrentLimits): Promise<void> {
    this.rateLimits.update(limits);
    if (limits.downloadRate === null && limits.uploadRate === null) delete this.record.limits;
    else this.record.limits = { ...limits };
    await this.ctx.changed(this);
  }

  get infoHash(): string {
    return this.record.infoHash;
  }

  get metaInfo(): MetaInfo | undefined {
    return this.meta;
  }

  get magnetLink(): MagnetLink | undefined {
    return this.link;
  }

  get state(): TorrentState {
    if (this.record.error) return 'error';
    if (this.record.paused) return 'paused';
    if (this.fetching || !this.meta) return 'metadata';
    // Hashing what is on disk (or about to: no resume state vouches for it); else opening its files on a trusted one, a moment, shown as what it holds.
    if (!this.running && (this.checking || !this.resumeTrusted)) return 'checking';
    const held = this.running?.store.bitfield ?? this.held;
    return held && wantedHeld(this.ranks, held) ? 'seeding' : 'downloading';
  }

  get error(): string | undefined {
    return this.record.error;
  }

  get hashProgress(): HashProgress | undefined {
    return this.checking;
  }

  /** The pieces held as far as known (undefined before the metadata). */
  get pieces(): Bitfield | undefined {
    return this.running?.store.bitfield ?? this.held;
  }

  get transferTotals(): { bytesDownloaded: number; bytesUploaded: number } {
    return this.running?.store.totals ?? this.totals;
  }

  /** Started (its swarm running): its rates and peers change without a word. */
  get isRunning(): boolean {
    return this.running !== undefined;
  }

  get torrent(): Torrent | undefined {
    return this.running?.torrent;
  }

  get tracker(): TrackerSource | undefined {
    return this.running?.tracker;
  }

  /** File `fileIndex`, read as it downloads (GET .../files/N/stream). */
  file(fileIndex: number): FileStream {
    if (!this.meta) throw new DaemonError('conflict', 'its metadata is not known yet: there are no files to read');
    return fileStream(this.meta, fileIndex, {
      running: () => this.running,
      prioritise: (pieces) => {
        this.streamPieces = pieces;
        this.applyUrgent();
      },
      whenHeld: (index, signal) => this.whenHeld(index, signal),
    });
  }

  private whenHeld(index: number, signal: AbortSignal): Promise<void> {
    if (this.running?.store.has(index)) return Promise.resolve();
    if (this.record.paused || this.record.error) return Promise.reject(new DaemonError('conflict', `the torrent is ${this.state}: resume it to read what it lacks`));
    return this.pieceWaiters.wait(index, signal);
  }

  private pieceHeld(index: number): void {
    this.ctx.notify();
    this.pieceWaiters.held(index);
  }

  /** At daemon start: what the resume state says is held (cheap: no hashing), and then started unless paused or in error. */
  async load(): Promise<void> {
    if (this.meta) ({ pieces: this.held, totals: this.totals, trusted: this.resumeTrusted } = await lastKnownPieces(this.resumeFile(), this.meta, this.record.dir));
    if (!this.record.paused && !this.record.error) this.start();
  }

  /** Starts it (resume, or start again from an error): what is needed is worked out from what is on disk. */
  resume(): Promise<void> {
    return this.enqueue(async () => {
      const wasStopped = this.record.paused || this.record.error !== undefined;
      this.record.paused = false;
      delete this.record.error;
      await this.ctx.changed(this);
      if (wasStopped) await this.begin();
    });
  }

  /** Closes its connections and files; its pieces stay. */
  pause(): Promise<void> {
    return this.enqueue(async () => {
      this.record.paused = true;
      await this.halt();
      await this.ctx.changed(this);
    });
  }

  /** Hashes every piece on disk again, forgetting the resume state; then goes on as before (a paused torrent stays paused). */
  recheck(): Promise<void> {
    return this.enqueue(async () => {
      if (!this.meta) return;
      await this.halt();
      await fs.rm(this.resumeFile(), { force: true });
      this.resumeTrusted = false;
      if (!this.record.paused && !this.record.error) return this.begin();
      const store = await this.check();
      if (store) await this.closed(store);
    });
  }

  /** Stops it for good; with `deleteData`, its files (and the folders it made, once empty) go too. */
  remove(deleteData: boolean): Promise<void> {
    return this.enqueue(async () => {
      this.removed = true;
      await this.halt();
      await fs.rm(this.resumeFile(), { force: true });
      await fs.rm(this.ctx.torrentFile(this.infoHash), { force: true });
      if (deleteData && this.meta) await deleteTorrentFiles(this.record.dir, this.meta);
    });
  }

  /** Stops it with an error it cannot go past alone (a full disk): its state says why until resumed. */
  fail(error: unknown): Promise<void> {
    return this.enqueue(async () => {
      this.record.error = error instanceof Error ? error.message : String(error);
      this.ctx.diagnostics.warn(`torrent ${this.infoHash}: ${this.record.error}`);
      await this.halt();
      await this.ctx.changed(this);
    });
  }

  /** For the daemon's close: stops without changing what is saved. */
  close(): Promise<void> {
    return this.enqueue(() => this.halt());
  }

  private start(): void {
    void this.enqueue(() => this.begin());
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const next = this.operations.then(() => (this.removed ? undefined : operation()));
    this.operations = next.catch((error: unknown) => this.ctx.diagnostics.warn(`torrent ${this.infoHash}: ${String(error)}`));
    return next;
  }

  private async begin(): Promise<void> {
    if (!this.meta) return this.fetchMetadata();
    const store = await this.check();
    if (!store) return;
    const meta = this.meta;
    const { ctx } = this;
    let torrent!: Torrent;
    const { sources, tracker } = torrentSources({
      infoHash: meta.infoHash,
      trackerTiers: meta.trackerTiers,
      isPrivate: meta.isPrivate,
      knownPeers: this.knownPeers,
      peerId: ctx.localPeerId,
      port: ctx.peerPort,
      stats: () => torrent.stats(),
      peerCount: () => torrent.status().peersConnected,
      dht: ctx.dht,
      clock: ctx.clock,
      random: ctx.random,
      diagnostics: ctx.diagnostics,
      localAddress: ctx.localAddress,
    });
    torrent = ctx.session.add({
      ...torrentFacts(meta),
      data: store,
      localPeerId: ctx.localPeerId,
      clientVersion: ctx.clientVersion,
      random: ctx.random,
      sources,
      limits: this.rateLimits,
      dhtPort: ctx.dht?.status().port,
      onDhtNode: (host, port) => ctx.dht?.addNode(host, port),
      onStorageError: (error) => void this.fail(error),
      observer: { pieceVerified: (index) => this.pieceHeld(index) },
    });
    this.running = { store, torrent, tracker };
    if (this.ranks) torrent.rankPieces(this.ranks);
    this.applyUrgent();
    // Streams that waited through the check: what it found on disk is theirs now.
    this.pieceWaiters.whereHeld((index) => store.has(index));
    torrent.start();
    ctx.notify();
  }

  /** Opens the files, hashing what is on disk when the resume state cannot be trusted; undefined (and the error state) when they cannot be opened. */
  private async check(): Promise<TorrentStore | undefined> {
    const meta = this.meta!;
    this.ctx.notify();
    try {
      const store = await TorrentStore.open({
        root: this.record.dir,
        map: new FileMap(meta.files, meta.pieceLength),
        checker: new PieceVerifier(meta),
        mode: 'download',
        resumeFile: this.resumeFile(),
        clock: this.ctx.clock,
        onHashProgress: (progress) => {
          this.checking = progress;
          this.ctx.notify();
        },
      });
      this.held = store.bitfield;
      // Said for every open, so a restart's promise (nothing rehashed that a resume state vouches for) can be seen from outside.
      const how = store.start.kind === 'rechecked' ? `rechecked: ${store.start.why}` : store.start.kind;
      this.ctx.diagnostics.info(`torrent ${this.infoHash}: files opened, ${how} (${store.bitfield.count} of ${meta.pieceCount} pieces held)`);
      return store;
    } catch (error) {
      this.record.error = error instanceof Error ? error.message : String(error);
      await this.ctx.changed(this);
      return undefined;
    } finally {
      this.checking = undefined;
      this.ctx.notify();
    }
  }

  /** A magnet link's metadata from peers (BEP 9); once it comes, saved as a .torrent and the torrent started. */
  private async fetchMetadata(): Promise<void> {
    const link = this.link!;
    const { ctx } = this;
    const { sources } = torrentSources({
      infoHash: link.infoHash,
      trackerTiers: link.trackers.map((tracker) => [tracker]),
      isPrivate: false,
      knownPeers: link.peers.map((peer) => ({ ...peer, source: 'static' as const })),
      peerId: ctx.localPeerId,
      port: ctx.peerPort,
      // Nothing moved yet, and the size is unknown until the metadata comes.
      stats: () => ({ uploaded: 0, downloaded: 0, left: 0 }),
      peerCount: () => 0,
      dht: ctx.dht,
      clock: ctx.clock,
      random: ctx.random,
      diagnostics: ctx.diagnostics,
      localAddress: ctx.localAddress,
    });
    const swarm = new MetadataSwarm({
      infoHash: link.infoHash,
      localPeerId: ctx.localPeerId,
      listenPort: ctx.peerPort,
      clientVersion: ctx.clientVersion,
      label: this.record.magnet ?? this.infoHash,
      dial: (host, port) => ctx.session.dial(host, port),
      sources,
      clock: ctx.clock,
      diagnostics: ctx.diagnostics,
    });
    this.fetching = swarm;
    swarm.start();
    ctx.notify();
    void swarm.outcome.then((outcome) =>
      this.enqueue(async () => {
        if (this.fetching !== swarm) return; // paused or removed meanwhile
        await this.halt();
        if (outcome.kind === 'unusable') {
          this.record.error = outcome.problem;
          return this.ctx.changed(this);
        }
        const bytes = torrentFileBytes(outcome.infoDictionary, link.trackers);
        const file = ctx.torrentFile(this.infoHash);
        await replaceAtomically(file, bytes);
        this.meta = parseMetaInfo(bytes, file);
        this.ranks = pieceRanks(this.meta, this.priorities);
        this.knownPeers = outcome.peers;
        delete this.record.magnet;
        await ctx.changed(this);
        await this.begin();
      }),
    );
  }

  /** Stops whatever runs: the metadata fetch, or the swarm and then the files (their resume state written last). */
  private async halt(): Promise<void> {
    const fetching = this.fetching;
    this.fetching = undefined;
    await fetching?.stop();
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    if (this.record.paused) this.rememberPeers(running.torrent);
    this.pieceWaiters.stopAll(new DaemonError('conflict', `the torrent is ${this.state}: the rest of the file cannot come now`));
    await this.ctx.session.remove(this.meta!.infoHash);
    await this.closed(running.store);
  }

  /** A pause keeps what it knew of its peers: who they were and what each held (shown while paused), and where they listen (dialled first on resume). */
  private rememberPeers(torrent: Torrent): void {
    const peers = torrent.connectedPeers();
    this.peersWhenPaused = peers.map((peer) => ({ ...peerView(peer), flags: '', downloadRate: 0, uploadRate: 0 }));
    this.knownPeers = peers.flatMap((peer) => (peer.listenAddress ? [{ ...hostAndPort(peer.listenAddress), source: 'static' as const }] : []));
  }

  /** The peers connected now; while paused, those it had when it was paused (no rates, no flags). */
  get peers(): TorrentPeer[] {
    return this.running ? this.running.torrent.connectedPeers().map(peerView) : this.record.paused ? this.peersWhenPaused : [];
  }

  /** Waits for the writes under way and writes the resume state; what it held stays known. */
  private async closed(store: TorrentStore): Promise<void> {
    await store.close();
    this.resumeTrusted = true;
    this.held = store.bitfield;
    this.totals = { ...store.totals };
    this.ctx.notify();
  }

  private resumeFile(): string {
    return this.ctx.resumeFile(this.infoHash);
  }
}
