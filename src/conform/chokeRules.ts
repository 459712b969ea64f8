import { MessageType } from '../wire/index.js';
import { chokeStretches, describeSet, longestSpell, type ChokeState, type Stretch } from './chokeTimeline.js';
import type { ScenarioRun } from './ScenarioRun.js';
import { judge, type Judgement } from './Verdict.js';
import { messagesOf } from './WireRecord.js';

// protocol.md, "Preferred neighbours" and "Optimistic unchoke". The peer's timers are its own, so each
// limit is in p or m: a choice may come up to an interval after a change, and late on a busy machine.

/** How long more than k+1 unchoked may show: a quarter of p (a choice's messages cross on separate connections). */
export const overUnchokedLimitMs = (run: ScenarioRun): number => run.unchokingMs / 4;
/** How long a preferred slot may stay free while an interested neighbour waits choked: 2 p. */
export const freeSlotLimitMs = (run: ScenarioRun): number => run.unchokingMs * 2;

const waiting = (state: ChokeState) => [...state.interested].filter((label) => !state.unchoked.has(label));
const unchokedInterested = (state: ChokeState) => [...state.unchoked].filter((label) => state.interested.has(label));

/** What a rule needs to see for its verdict to mean something, e.g. more than k neighbours interested at once. */
interface Shown {
  holds: (state: Stretch) => boolean;
  notShownBecause: string;
}

/**
 * A bound on how long a state may last: fails naming the longest spell past `limitMs`; passes (with
 * the longest spell, if any) once `shown` held at some moment; else not-shown.
 */
function noSpellOver(run: ScenarioRun, holds: (state: Stretch) => boolean, limitMs: number, what: string, shown: Shown, cutAtMs: readonly number[] = []): Judgement {
  const stretches = chokeStretches(run, cutAtMs);
  const spell = longestSpell(stretches, holds);
  const limit = `limit ${Math.round(limitMs)}ms`;
  if (!spell.from || !spell.to) {
    const first = stretches.find(shown.holds);
    return judge([], first ? [`never ${what} (${limit}); shown from +${Math.round(first.fromMs)}ms`] : [], shown.notShownBecause);
  }
  const seen = `${what} from +${Math.round(spell.from.fromMs)}ms to +${Math.round(spell.to.toMs)}ms (${Math.round(spell.ms)}ms, ${limit}): unchoked ${describeSet(spell.from.unchoked)}, interested ${describeSet(spell.from.interested)}`;
  return spell.ms > limitMs ? judge([seen], [], '') : judge([], [`longest: ${seen}`], '');
}

/** choke.max-unchoked: never more than k preferred + 1 optimistic neighbours unchoked at once. */
export function chokeMaxUnchoked(run: ScenarioRun): Judgement {
  const spell = longestSpell(chokeStretches(run), (state) => state.unchoked.size > run.k + 1);
  if (spell.from && spell.to && spell.ms > overUnchokedLimitMs(run)) {
    return judge([`${spell.from.unchoked.size} unchoked at once (k = ${run.k}, so at most ${run.k + 1}) from +${Math.round(spell.from.fromMs)}ms for ${Math.round(spell.ms)}ms: ${describeSet(spell.from.unchoked)}`], [], '');
  }
  const most = Math.max(0, ...chokeStretches(run).map((s) => s.unchoked.size));
  return judge([], most > 0 ? [`at most ${most} unchoked at once (k = ${run.k}, so at most ${run.k + 1})`] : [], 'the peer unchoked no neighbour');
}

/**
 * choke.rechoice-every-p: the preferred neighbours are re-chosen every p s among the interested, so no
 * preferred slot stays free (fewer than k interested neighbours unchoked) while an interested one waits choked.
 */
export function chokeRechoiceEveryP(run: ScenarioRun): Judgement {
  return noSpellOver(
    run,
    (state) => unchokedInterested(state).length < run.k && waiting(state).length > 0,
    freeSlotLimitMs(run),
    'a preferred slot free while an interested neighbour waited choked',
    { holds: (state) => state.interested.size > 0, notShownBecause: 'none of our neighbours was interested' },
  );
}


/** When each of our neighbours gave the peer its first and its last piece; absent: it gave none. */
function feedingSpans(run: ScenarioRun): Map<string, { firstMs: number; lastMs: number }> {
  const spans = new Map<string, { firstMs: number; lastMs: number }>();
  for (const record of run.connections) {
    const times = messagesOf(record, 'us')
      .filter((u) => u.message.type === MessageType.Piece)
      .map((u) => u.atMs);
    if (times.length > 0) spans.set(record.label, { firstMs: Math.min(...times), lastMs: Math.max(...times) });
  }
  return spans;
}

/** How long k feeding neighbours may be the only ones unchoked while one that gives nothing waits choked and interested: 1.5 m. */
export const noOptimisticLimitMs = (run: ScenarioRun): number => run.optimisticMs * 1.5;

/**
 * choke.optimistic-every-m: every m s one choked and interested neighbour is unchoked on top of the k
 * preferred. Shown where k of our neighbours feed the peer (its preferred, by rate) and others give
 * nothing: only the feeders unchoked while one of the others waits interested lasts until the next
 * optimistic choice at the latest.
 */
export function chokeOptimisticEveryM(run: ScenarioRun): Judgement {
  const spans = feedingSpans(run);
  const feeds = (label: string) => spans.has(label);
  return noSpellOver(
    run,
    (state) => state.unchoked.size === run.k && [...state.unchoked].every(feeds) && waiting(state).some((label) => !feeds(label)),
    noOptimisticLimitMs(run),
    `only ${run.k} neighbours feeding it unchoked while one giving nothing waited choked and interested`,
    { holds: (state) => [...state.interested].filter(feeds).length >= run.k && [...state.interested].some((label) => !feeds(label)), notShownBecause: 'no scenario where some of our neighbours fed the peer and others gave nothing' },
  );
}

/** How long a feeding neighbour may wait choked, interested, while one giving nothing is unchoked: 2 p. */
export const byRateLimitMs = (run: ScenarioRun): number => run.unchokingMs * 2;

/**
 * choke.by-rate-when-leeching: a leecher prefers the neighbours that sent it data at the highest rate. So
 * a neighbour feeding it (from p after its first piece to its last) does not wait choked and interested
 * while one that gives it nothing is unchoked.
 */
export function chokeByRateWhenLeeching(run: ScenarioRun): Judgement {
  if (run.peerHasFile) return judge([], [], 'the peer had the file in this scenario');
  const spans = feedingSpans(run);
  const feedingAt = (label: string, atMs: number) => {
    const span = spans.get(label);
    return span !== undefined && atMs >= span.firstMs + run.unchokingMs && atMs < span.lastMs;
  };
  return noSpellOver(
    run,
    (state) => [...state.unchoked].some((label) => !spans.has(label)) && waiting(state).some((label) => feedingAt(label, state.fromMs)),
    byRateLimitMs(run),
    'a neighbour feeding it waited choked and interested while one giving nothing was unchoked',
    { holds: (state) => waiting(state).some((label) => !spans.has(label)) && [...state.interested].some((label) => feedingAt(label, state.fromMs)), notShownBecause: 'no scenario where some of our neighbours fed the peer and others gave nothing' },
    [...spans.values()].flatMap((span) => [span.firstMs + run.unchokingMs, span.lastMs]),
  );
}
