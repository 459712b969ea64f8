export type Verdict = 'pass' | 'fail' | 'not-shown';

/** One rule's judgement: its evidence is the bytes seen (offsets, times) or the log lines (file:line). */
export interface RuleResult {
  id: string;
  verdict: Verdict;
  evidence: string[];
}

export type Judgement = Omit<RuleResult, 'id'>;

/** At most this many evidence lines of one kind: the first failures say what is wrong. */
const EVIDENCE_SHOWN = 5;

/**
 * The usual shape of a verdict: any failure fails (its evidence shown);
 * otherwise what was seen to conform passes; nothing seen is not-shown.
 */
export function judge(failures: readonly string[], conforming: readonly string[], notShownBecause: string): Judgement {
  if (failures.length > 0) return { verdict: 'fail', evidence: limited(failures) };
  if (conforming.length > 0) return { verdict: 'pass', evidence: limited(conforming) };
  return { verdict: 'not-shown', evidence: [notShownBecause] };
}

function limited(lines: readonly string[]): string[] {
  return lines.length <= EVIDENCE_SHOWN ? [...lines] : [...lines.slice(0, EVIDENCE_SHOWN), `… and ${lines.length - EVIDENCE_SHOWN} more`];
}

/**
 * One rule over several scenarios: fails if any scenario fails it, passes if
 * any shows it passing, else not-shown. Evidence is labelled by scenario.
 */
export function combine(id: string, byScenario: readonly { scenario: string; judgement: Judgement }[]): RuleResult {
  const pick = (verdict: Verdict) => byScenario.filter((s) => s.judgement.verdict === verdict);
  const deciding = pick('fail').length > 0 ? pick('fail') : pick('pass').length > 0 ? pick('pass') : pick('not-shown');
  return {
    id,
    verdict: deciding[0]?.judgement.verdict ?? 'not-shown',
    evidence: deciding.flatMap(({ scenario, judgement }) => judgement.evidence.map((line) => `[${scenario}] ${line}`)),
  };
}
