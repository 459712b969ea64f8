import type { Cancel, Clock } from '../common/Clock.js';
import type { Random } from '../common/Random.js';
import { ChokingManager, type ChokeDecision, type ChokeSnapshot } from '../policy/ChokingManager.js';
import { RateTracker } from '../policy/RateTracker.js';
import type { BtPeer } from './BtPeer.js';

/** The reference algorithm (bittorrent.md): 4 upload slots, re-chosen every 10 s, one optimistic unchoke rotated every 30 s. */
export const BT_UPLOAD_SLOTS = 4;
export const RECHOKE_INTERVAL_MS = 10_000;
export const OPTIMISTIC_INTERVAL_MS = 30_000;

export interface BtChokerOptions {
  clock: Clock;
  random: Random;
  peers(): Iterable<BtPeer>;
  /** We hold every piece: rank by what we sent them, not by what they sent us. */
  isSeeding(): boolean;
  unchoke(peer: BtPeer): void;
  choke(peer: BtPeer): void;
}

/**
 * Who we upload to, by the course's k/p/m with k = 4, p = 10 s, m = 30 s
 * (ChokingManager decides; this runs the timers and applies). A leecher ranks
 * the interested peers by the bytes they sent us during the last interval; a
 * seed, which receives nothing, by the bytes we sent them (the reference
 * client's seeding rule: unchoke whoever downloads fastest).
 */
export class BtChoker {
  private readonly manager: ChokingManager;
  private readonly received: RateTracker;
  private readonly sent: RateTracker;
  private readonly cancels: Cancel[] = [];

  constructor(private readonly options: BtChokerOptions) {
    this.manager = new ChokingManager({ preferredCount: BT_UPLOAD_SLOTS, random: options.random, optimisticApart: true });
    this.received = new RateTracker(options.clock);
    this.sent = new RateTracker(options.clock);
  }

  start(): void {
    const { clock } = this.options;
    this.cancels.push(clock.every(RECHOKE_INTERVAL_MS, () => this.apply(this.manager.rechoke(this.snapshot(true)))));
    this.cancels.push(clock.every(OPTIMISTIC_INTERVAL_MS, () => this.apply(this.manager.rotateOptimistic(this.snapshot(false)))));
  }

  stop(): void {
    for (const cancel of this.cancels.splice(0)) cancel();
  }

  recordReceived(peer: BtPeer, bytes: number): void {
    this.received.record(peer.serial, bytes);
  }

  recordSent(peer: BtPeer, bytes: number): void {
    this.sent.record(peer.serial, bytes);
  }

  /** Interest changed or a peer left: refill free slots now rather than at the next tick. */
  refresh(): void {
    this.apply(this.manager.refresh(this.snapshot(false)));
  }

  gone(peer: BtPeer): void {
    this.manager.remove(peer.serial);
    this.received.remove(peer.serial);
    this.sent.remove(peer.serial);
  }

  /** The interval's figures, ended (and a new interval begun) only at the rechoke tick. */
  private snapshot(endInterval: boolean): ChokeSnapshot {
    const seeding = this.options.isSeeding();
    const rates = seeding ? this.sent : this.received;
    const bytesOf = endInterval ? rates.takeInterval().bytesByPeer : undefined;
    if (endInterval) (seeding ? this.received : this.sent).takeInterval();
    const neighbours = [...this.options.peers()].map((peer) => ({
      peerId: peer.serial,
      interested: peer.interested,
      bytesReceived: bytesOf ? (bytesOf.get(peer.serial) ?? 0) : rates.bytesThisInterval(peer.serial),
    }));
    // haveCompleteFile false: a seed ranks by upload (above), not at random as the course's seed does.
    return { neighbours, haveCompleteFile: false };
  }

  private apply(decision: ChokeDecision): void {
    const bySerial = new Map([...this.options.peers()].map((peer) => [peer.serial, peer]));
    for (const serial of decision.choke) {
      const peer = bySerial.get(serial);
      if (peer) this.options.choke(peer);
    }
    for (const serial of decision.unchoke) {
      const peer = bySerial.get(serial);
      if (peer) this.options.unchoke(peer);
    }
  }
}
