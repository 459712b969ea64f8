import type { Cancel, Clock } from '../common/Clock.js';
import type { ChokeDecision, ChokeSnapshot, ChokingManager } from '../policy/ChokingManager.js';
import type { RateTracker } from '../policy/RateTracker.js';
import type { Bitfield } from '../core/Bitfield.js';
import type { EventBus } from './EventBus.js';
import type { NodeEvents } from './NodeEvents.js';
import type { PeerRegistry } from './PeerRegistry.js';

export interface ChokeControllerOptions {
  manager: ChokingManager;
  registry: PeerRegistry;
  rates: RateTracker;
  ours: Bitfield;
  clock: Clock;
  bus: EventBus<NodeEvents>;
  unchokingIntervalMs: number;
  optimisticUnchokingIntervalMs: number;
}

/**
 * Runs the p and m timers and turns the ChokingManager's decisions into choke
 * and unchoke messages, then tells the bus what was chosen. The first
 * preferred choice is made as soon as a neighbour is interested; the p timer
 * starts from that choice.
 */
export class ChokeController {
  private readonly cancels: Cancel[] = [];
  private preferredTimerStarted = false;

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
    const { registry, bus } = this.options;
    for (const peerId of decision.choke) registry.get(peerId)?.setAmChoking(true);
    for (const peerId of decision.unchoke) registry.get(peerId)?.setAmChoking(false);
    bus.emit('neighboursChosen', { preferred: decision.preferred, optimistic: decision.optimistic, optimisticChosen: decision.optimisticChosen });
  }
}
