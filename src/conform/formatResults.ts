import { fitTable } from '../launcher/fitTable.js';
import { RULES } from './rules.js';
import type { RuleResult } from './Verdict.js';

/** The terminal's table: one row a rule; then the evidence of each failure in full. */
export function formatResults(results: readonly RuleResult[], width: number): string[] {
  const summaries = new Map(RULES.map((r) => [r.id, r.summary]));
  const rows = results.map((r) => [r.id, r.verdict, summaries.get(r.id) ?? '', r.evidence[0] ?? '']);
  const table = fitTable([{ header: 'rule' }, { header: 'verdict' }, { header: 'what it checks', dropRank: 1 }, { header: 'evidence', shrinks: true }], rows, width);
  const failures = results.filter((r) => r.verdict === 'fail').flatMap((r) => ['', `${r.id}: fail`, ...r.evidence.map((line) => `  ${line}`)]);
  const count = (verdict: string) => results.filter((r) => r.verdict === verdict).length;
  return [...table.lines, ...failures, '', `${count('pass')} pass, ${count('fail')} fail, ${count('not-shown')} not shown (of ${results.length} rules)`];
}

/** `--json`: {"rules":[{"id","verdict","evidence":[...]}]}. */
export function resultsJson(results: readonly RuleResult[]): string {
  return JSON.stringify({ rules: results.map(({ id, verdict, evidence }) => ({ id, verdict, evidence })) }, null, 2) + '\n';
}
