import type { Cancel, Clock } from '../../common/Clock.js';
import type { Random } from '../../common/Random.js';
import type { Diagnostics } from '../../log/DiagnosticLog.js';
import { isThisMachine } from '../../net/hosts.js';
import type { PeerSink, PeerSource, TransferStats } from '../PeerSource.js';
import { TrackerError, asTrackerError, type AnnounceEvent, type AnnounceReply, type AnnounceRequest, type AnnounceTransport } from './announce.js';
import { DEFAULT_ANNOUNCE_TIMING, nextAnnounceDelayMs, retryDelayMs, type AnnounceTiming } from './announceTiming.js';
import { httpAnnouncer } from './httpAnnounce.js';
import { checkPeers, normalisedAddress, type CheckedPeers } from './peerFilter.js';
import { TrackerTiers, trackerUrls } from './TrackerTiers.js';
import { udpAnnouncer } from './udpAnnounce.js';

export type TrackerProtocol = 'http:' | 'https:' | 'udp:';

export interface TrackerSourceOptions {
  infoHash: Buffer;
  peerId: Buffer;
  /** The port we listen on for peers. */
  port: number;
  /** The torrent's tracker tiers (BEP 12), as the metainfo gives them (`MetaInfo.trackerTiers`). */
  tiers: readonly (readonly string[])[];
  /** The torrent's figures, read at each announce. */
  stats(): TransferStats;
  clock: Clock;
  random: Random;
  diagnostics: Diagnostics;
  timing?: Partial<AnnounceTiming>;
  /** Peers asked for per announce (BEP 3's numwant). */
  numwant?: number;
  /** Peers kept from one reply, however many it lists. */
  maxPeersPerReply?: number;
  /** The address our requests leave from (tests: 127.0.0.1). */
  localAddress?: string;
  /** Addresses that are this machine (default: loopback and our interfaces). */
  isOwnHost?(host: string): boolean;
  /** How each protocol's announce is sent; by default node's http(s) with a byte cap, and BEP 15 over dgram. */
  transports?: Partial<Record<TrackerProtocol, AnnounceTransport>>;
}

export const DEFAULT_NUMWANT = 50;
export const DEFAULT_MAX_PEERS_PER_REPLY = 200;

export interface TrackerSourceStatus {
  state: 'idle' | 'running' | 'stopping' | 'stopped';
  /** When the next announce is due (clock ms), while one is scheduled. */
  nextAnnounceAtMs?: number;
  /** Walks in a row in which no tracker answered. */
  failuresInARow: number;
  /** The tracker that answered last: it gets our `stopped`. */
  lastAnswered?: string;
}

/**
 * The torrent's trackers as a PeerSource. One announce walks the tiers (BEP
 * 12) until a tracker answers; that tracker's interval sets the next regular
 * announce; when none answers, the walk is tried again after a growing wait.
 * Events are kept until a tracker has taken them: `started` until one
 * answers, `completed` likewise. Everything runs in the background: a bad
 * tracker or a bad reply costs that announce and a line in the diagnostics.
 */
export class TrackerSource implements PeerSource {
  readonly kind = 'tracker';
  private readonly tiers: TrackerTiers;
  private readonly timing: AnnounceTiming;
  private readonly transports: Partial<Record<string, AnnounceTransport>>;
  private readonly key: number;
  private readonly trackerIds = new Map<string, Buffer>();
  private state: TrackerSourceStatus['state'] = 'idle';
  private found: PeerSink = () => {};
  private needStarted = false;
  private needCompleted = false;
  private walking = false;
  /** Settles when the walk under way ends. */
  private walkDone: Promise<void> = Promise.resolve();
  /** The event of the announce under way, if any. */
  private inFlightEvent: AnnounceEvent | undefined;
  private walkAgain = false;
  private inFlight?: AbortController;
  private cancelNext: Cancel = () => {};
  private nextAnnounceAtMs?: number;
  private failuresInARow = 0;
  private lastAnswered?: URL;
  private stopping?: Promise<void>;

  constructor(private readonly options: TrackerSourceOptions) {
    const { tiers, refused } = trackerUrls(options.tiers);
    for (const reason of refused) options.diagnostics.warn(`tracker left out: ${reason}`);
    this.tiers = new TrackerTiers(tiers, options.random);
    this.timing = { ...DEFAULT_ANNOUNCE_TIMING, ...options.timing };
    const http = httpAnnouncer({ localAddress: options.localAddress });
    this.transports = { 'http:': http, 'https:': http, 'udp:': udpAnnouncer({ clock: options.clock, localAddress: options.localAddress }), ...options.transports };
    this.key = Math.floor(options.random.next() * 0x1_0000_0000);
  }

  status(): TrackerSourceStatus {
    return { state: this.state, nextAnnounceAtMs: this.nextAnnounceAtMs, failuresInARow: this.failuresInARow, lastAnswered: this.lastAnswered?.href };
  }

  start(found: PeerSink): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    this.found = found;
    this.needStarted = true;
    if (this.tiers.size === 0) return this.options.diagnostics.warn('no tracker to announce to');
    this.announceSoon();
  }

  completed(): void {
    if (this.state !== 'running' || this.tiers.size === 0) return;
    this.needCompleted = true;
    this.announceSoon();
  }

  stop(): Promise<void> {
    this.stopping ??= this.sayStopped();
    return this.stopping;
  }

  /** Now, or right after the walk in flight (an event must not wait a whole interval). */
  private announceSoon(): void {
    if (this.walking) {
      this.walkAgain = true;
      return;
    }
    this.walkDone = this.walk();
  }

  private async walk(): Promise<void> {
    this.walking = true;
    try {
      do {
        this.walkAgain = false;
        await this.walkTiers();
      } while (this.walkAgain && this.state === 'running');
    } catch (error) {
      // A bug of ours must not become an unhandled rejection that ends the process.
      this.options.diagnostics.error(`tracker announce failed: ${(error as Error).stack ?? String(error)}`);
    } finally {
      this.walking = false;
    }
  }

  private async walkTiers(): Promise<void> {
    this.unschedule();
    const event: AnnounceEvent | undefined = this.needStarted ? 'started' : this.needCompleted ? 'completed' : undefined;
    for (const { url } of this.tiers.inOrder()) {
      const request = this.request(url, event);
      this.inFlightEvent = event;
      const outcome = await this.announceTo(url, request, this.timing.requestTimeoutMs);
      this.inFlightEvent = undefined;
      if (!(outcome instanceof TrackerError)) {
        // Taken, even if we are stopping meanwhile: stop() must not say it again.
        if (event === 'started') this.needStarted = false;
        // BEP 3: no `completed` when we were complete at `started` (left 0 said it already).
        if (event === 'completed' || (event === 'started' && request.left === 0)) this.needCompleted = false;
      }
      if (this.state !== 'running') return;
      if (outcome instanceof TrackerError) {
        this.options.diagnostics.warn(`tracker ${url.href}: ${outcome.message}`);
        continue;
      }
      this.tiers.promote(url);
      this.lastAnswered = url;
      this.failuresInARow = 0;
      this.deliver(url, outcome, this.schedule(nextAnnounceDelayMs(outcome, this.timing)));
      return;
    }
    this.failuresInARow++;
    const delayMs = this.schedule(retryDelayMs(this.failuresInARow, this.timing, this.options.random));
    this.options.diagnostics.warn(`no tracker answered (${this.failuresInARow} time(s) in a row): trying again in ${seconds(delayMs)}`);
  }

  private async announceTo(url: URL, request: AnnounceRequest, timeoutMs: number): Promise<AnnounceReply | TrackerError> {
    const controller = new AbortController();
    this.inFlight = controller;
    const cancelTimeout = this.options.clock.after(timeoutMs, () => controller.abort(new TrackerError('timeout', `no reply within ${seconds(timeoutMs)}`)));
    try {
      const transport = this.transports[url.protocol];
      if (!transport) return new TrackerError('network', `no transport for ${url.protocol}`);
      return await transport(url, request, controller.signal);
    } catch (error) {
      return asTrackerError(error, controller.signal);
    } finally {
      cancelTimeout();
      if (this.inFlight === controller) this.inFlight = undefined;
    }
  }

  private request(url: URL, event: AnnounceEvent | undefined): AnnounceRequest {
    const { uploaded, downloaded, left } = this.options.stats();
    return {
      infoHash: this.options.infoHash,
      peerId: this.options.peerId,
      port: this.options.port,
      uploaded,
      downloaded,
      left,
      event,
      // Leaving, we want no peers.
      numwant: event === 'stopped' ? 0 : (this.options.numwant ?? DEFAULT_NUMWANT),
      key: this.key,
      trackerId: this.trackerIds.get(url.href),
    };
  }

  private deliver(url: URL, reply: AnnounceReply, nextInMs: number): void {
    const { diagnostics } = this.options;
    if (reply.trackerId) this.trackerIds.set(url.href, reply.trackerId);
    if (reply.warning) diagnostics.warn(`tracker ${url.href} warns: ${reply.warning}`);
    const externalIp = reply.externalIp === undefined ? undefined : normalisedAddress(reply.externalIp);
    const isOwnHost = this.options.isOwnHost ?? isThisMachine;
    const checked = checkPeers(reply.peers, { peerId: this.options.peerId, port: this.options.port, isOwnHost: (host) => host === externalIp || isOwnHost(host) }, 'tracker', this.options.maxPeersPerReply ?? DEFAULT_MAX_PEERS_PER_REPLY);
    diagnostics.info(`tracker ${url.href}: ${checked.peers.length} peer(s)${droppedText(checked)}; next announce in ${seconds(nextInMs)}`);
    if (checked.peers.length === 0) return;
    try {
      this.found(checked.peers);
    } catch (error) {
      diagnostics.error(`the tracker's peers were not taken: ${(error as Error).message}`);
    }
  }

  /** Says `stopped` to the tracker that knows us, within stopTimeoutMs; never rejects. */
  private async sayStopped(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopping';
    this.unschedule();
    // A `completed` under way is let finish (within its timeout); anything else is cut short.
    if (this.inFlightEvent === 'completed') await this.walkDone;
    else this.inFlight?.abort(new TrackerError('cancelled', 'stopping'));
    if (wasRunning && this.lastAnswered) {
      // BEP 3 sends `completed` when the download completes: a download that ends
      // right then (swarmlab download) says it before `stopped`, or no tracker counts it.
      if (this.needCompleted) await this.announceOnStop(this.lastAnswered, 'completed');
      await this.announceOnStop(this.lastAnswered, 'stopped');
    }
    this.state = 'stopped';
  }

  private async announceOnStop(url: URL, event: 'completed' | 'stopped'): Promise<void> {
    const outcome = await this.announceTo(url, this.request(url, event), this.timing.stopTimeoutMs);
    if (outcome instanceof TrackerError) this.options.diagnostics.warn(`tracker ${url.href}: ${event} not acknowledged: ${outcome.message}`);
  }

  /** Schedules the next walk; returns the delay, for the diagnostics. */
  private schedule(delayMs: number): number {
    this.unschedule();
    this.nextAnnounceAtMs = this.options.clock.now() + delayMs;
    this.cancelNext = this.options.clock.after(delayMs, () => this.announceSoon());
    return delayMs;
  }

  private unschedule(): void {
    this.cancelNext();
    this.nextAnnounceAtMs = undefined;
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function droppedText({ dropped }: CheckedPeers): string {
  const parts = [
    dropped.ourselves > 0 ? 'ourselves' : '',
    dropped.invalid > 0 ? `${dropped.invalid} with a bad address or port` : '',
    dropped.repeats > 0 ? `${dropped.repeats} repeat(s)` : '',
    dropped.overLimit > 0 ? `${dropped.overLimit} over the limit` : '',
  ].filter(Boolean);
  return parts.length > 0 ? ` (left out: ${parts.join(', ')})` : '';
}
