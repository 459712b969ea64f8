import type { Cancel, Clock } from '../common/Clock.js';
import type { ProtocolLog } from '../log/ProtocolLogger.js';
import type { ChokeDecision, ChokeSnapshot, ChokingManager } from '../policy/ChokingManager.js';
import type { RateTracker } from '../policy/RateTracker.js';
import type { Bitfield } from '../storage/Bitfield.js';
import type { PeerRegistry } from './PeerRegistry.js';

export interface ChokeControllerOptions {
  manager: ChokingManager;
  registry: PeerRegistry;
  rates: RateTracker;
  ours: Bitfield;
  clock: Clock;
  log: ProtocolLog;
  unchokingIntervalMs: number;
  optimisticUnchokingIntervalMs: number;
}

/**
 * Runs the p and m timers and turns the ChokingManager's decisions into choke
 * and unchoke messages and log lines. The first preferred choice is made as
 * soon as a neighbour is interested; the p timer starts from that choice.
 */
export class ChokeController {
  private readonly cancels: Cancel[] = [];
  private preferredTimerStarted = false;
  private lastLoggedPreferred = '';

  constructor(private readonly options: ChokeControllerOptions) {}

  start(): void {
    const { clock, optimisticUnchokingIntervalMs, manager } = this.options;
    this.cancels.push(clock.every(optimisticUnchokingIntervalMs, () => this.apply(manager.rotateOptimistic(this.snapshot()))));
  }

  stop(): void {
    for (const cancel of this.cancels.splice(0)) cancel();
  }

  /** After an interest change or a disconnect: fill free slots at once. */
  refresh(): void {
    this.apply(this.options.manager.refresh(this.snapshot()));
    if (!this.preferredTimerStarted && this.options.manager.preferred.size > 0) {
      this.preferredTimerStarted = true;
      this.cancels.push(this.options.clock.every(this.options.unchokingIntervalMs, () => this.rechoke()));
    }
  }

  forget(peerId: number): void {
    this.options.manager.remove(peerId);
  }

  private rechoke(): void {
    const { bytesByPeer } = this.options.rates.takeInterval();
    this.apply(this.options.manager.rechoke(this.snapshot(bytesByPeer)));
  }

  private snapshot(bytesByPeer?: ReadonlyMap<number, number>): ChokeSnapshot {
    const { registry, rates, ours } = this.options;
    return {
      haveCompleteFile: ours.isComplete,
      neighbours: registry.sessions().map((session) => ({
        peerId: session.peerId,
        interested: session.state.peerInterested,
        bytesReceived: bytesByPeer ? (bytesByPeer.get(session.peerId) ?? 0) : rates.bytesThisInterval(session.peerId),
      })),
    };
  }

  private apply(decision: ChokeDecision): void {
    const { registry, log } = this.options;
    for (const peerId of decision.choke) registry.get(peerId)?.setAmChoking(true);
    for (const peerId of decision.unchoke) registry.get(peerId)?.setAmChoking(false);
    // Logged when the set changes; an empty set names nobody, so it is not a sentence of the spec.
    const preferred = decision.preferred.join(',');
    if (decision.preferred.length > 0 && preferred !== this.lastLoggedPreferred) log.preferredNeighbors(decision.preferred);
    this.lastLoggedPreferred = preferred;
    if (decision.optimisticChosen && decision.optimistic !== undefined) log.optimisticallyUnchokedNeighbor(decision.optimistic);
  }
}
