import { chokeStretches, describeSet, longestSpell, type ChokeState } from './chokeTimeline.js';
import type { ScenarioRun } from './ScenarioRun.js';
import { judge, type Judgement } from './Verdict.js';

// protocol.md, "Preferred neighbours" and "Optimistic unchoke". The peer's timers are its own, so the
// limits are in p: a re-choice may come up to p after a change, and late by up to p again on a busy machine.

/** How long more than k+1 unchoked may show: a quarter of p (a choice's messages cross on separate connections). */
export const overUnchokedLimitMs = (run: ScenarioRun): number => run.unchokingMs / 4;
/** How long a preferred slot may stay free while an interested neighbour waits choked: 2 p. */
export const freeSlotLimitMs = (run: ScenarioRun): number => run.unchokingMs * 2;

const waiting = (state: ChokeState) => [...state.interested].filter((label) => !state.unchoked.has(label));
const unchokedInterested = (state: ChokeState) => [...state.unchoked].filter((label) => state.interested.has(label));

/** What a rule needs to see for its verdict to mean something, e.g. more than k neighbours interested at once. */
interface Shown {
  holds: (state: ChokeState) => boolean;
  notShownBecause: string;
}

/**
 * A bound on how long a state may last: fails naming the longest spell past `limitMs`; passes (with
 * the longest spell, if any) once `shown` held at some moment; else not-shown.
 */
function noSpellOver(run: ScenarioRun, holds: (state: ChokeState) => boolean, limitMs: number, what: string, shown: Shown): Judgement {
  const stretches = chokeStretches(run);
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

