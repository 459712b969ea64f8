import { MessageType } from '../wire/index.js';
import type { ScenarioRun } from './ScenarioRun.js';

/**
 * Messages on separate connections closer than this are one moment: the
 * chokes and unchokes of one choice go out on several sockets and reach our
 * neighbours in any order, so the states in between are not the peer's.
 */
export const SETTLE_MS = 50;

/** Who the peer had unchoked, and who of our neighbours had told it interested, after one settled moment. */
export interface ChokeState {
  unchoked: ReadonlySet<string>;
  interested: ReadonlySet<string>;
}

/** A state held from `fromMs` until the next moment (or the end of the run). */
export interface Stretch extends ChokeState {
  fromMs: number;
  toMs: number;
}

interface ChokeEvent {
  atMs: number;
  label: string;
  set: 'unchoked' | 'interested';
  on: boolean;
}

const EVENT_OF: Partial<Record<MessageType, { side: 'peer' | 'us'; set: ChokeEvent['set']; on: boolean }>> = {
  [MessageType.Unchoke]: { side: 'peer', set: 'unchoked', on: true },
  [MessageType.Choke]: { side: 'peer', set: 'unchoked', on: false },
  [MessageType.Interested]: { side: 'us', set: 'interested', on: true },
  [MessageType.NotInterested]: { side: 'us', set: 'interested', on: false },
};

/**
 * The run as a sequence of settled states over every connection: the peer's
 * chokes and unchokes as our neighbours read them, our interest as we wrote
 * it. Every connection starts choked and not interested (protocol.md). A
 * stretch is also cut at each of `cutAtMs` (same state on both sides), for
 * rules whose condition also changes with time.
 */
export function chokeStretches(run: ScenarioRun, cutAtMs: readonly number[] = []): Stretch[] {
  const events: ChokeEvent[] = run.connections.flatMap((record) =>
    record.units.flatMap((unit) => {
      if (unit.kind !== 'message') return [];
      const event = EVENT_OF[unit.message.type];
      return event && event.side === unit.side ? [{ atMs: unit.atMs, label: record.label, set: event.set, on: event.on }] : [];
    }),
  );
  events.sort((a, b) => a.atMs - b.atMs);
  const sets = { unchoked: new Set<string>(), interested: new Set<string>() };
  const stretches: Stretch[] = [];
  for (let i = 0; i < events.length; i++) {
    const { label, set, on } = events[i];
    if (on) sets[set].add(label);
    else sets[set].delete(label);
    const next = events[i + 1];
    if (next && next.atMs - events[i].atMs <= SETTLE_MS) continue;
    const toMs = next?.atMs ?? Math.max(run.end.atMs, events[i].atMs);
    const state = { unchoked: new Set(sets.unchoked), interested: new Set(sets.interested) };
    const cuts = [events[i].atMs, ...cutAtMs.filter((t) => t > events[i].atMs && t < toMs).sort((a, b) => a - b), toMs];
    for (let c = 0; c + 1 < cuts.length; c++) stretches.push({ fromMs: cuts[c], toMs: cuts[c + 1], ...state });
  }
  return stretches;
}

/** The longest time the condition held without a break (consecutive stretches joined), with the first stretch of that spell. */
export function longestSpell(stretches: readonly Stretch[], holds: (stretch: Stretch) => boolean): { ms: number; from?: Stretch; to?: Stretch } {
  let best: { ms: number; from?: Stretch; to?: Stretch } = { ms: 0 };
  let start: Stretch | undefined;
  for (const stretch of stretches) {
    if (!holds(stretch)) {
      start = undefined;
      continue;
    }
    start ??= stretch;
    const ms = stretch.toMs - start.fromMs;
    if (ms > best.ms || best.from === undefined) best = { ms, from: start, to: stretch };
  }
  return best;
}

/** `{leecher 1002, leecher 1003}`, sorted. */
export function describeSet(labels: ReadonlySet<string>): string {
  return `{${[...labels].sort().join(', ')}}`;
}
