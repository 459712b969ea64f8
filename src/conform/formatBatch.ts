import { fitTable } from '../launcher/fitTable.js';
import type { SubmissionResult } from './SubmissionResult.js';
import { RULES } from './rules.js';
import type { Verdict } from './Verdict.js';

export const VERDICT_MARKS: Record<Verdict, string> = { pass: '✔', fail: '✘', 'not-shown': '·' };

/** "13/15 pass" for a submission that started. */
export function passCount(result: SubmissionResult & { started: true }): string {
  return `${result.rules.filter((r) => r.verdict === 'pass').length}/${result.rules.length}`;
}

/**
 * The batch's table: submissions by rules (numbered, with a legend below), a
 * mark a verdict and the pass count; then, per submission, the first evidence
 * line of each failing rule, or why it did not start and its last output.
 */
export function formatBatch(results: readonly SubmissionResult[], skipped: readonly string[], width: number): string[] {
  const columns = [{ header: 'submission', shrinks: true }, ...RULES.map((_, i) => ({ header: String(i + 1) })), { header: 'pass' }];
  const rows = results.map((r) => (r.started ? [r.name, ...r.rules.map((rule) => VERDICT_MARKS[rule.verdict]), passCount(r)] : [r.name]));
  const table = fitTable(columns, rows, width);
  // A submission that did not start says so across the rule columns (kept out of fitTable, which would widen rule 1 to it).
  const nameWidth = table.lines[1].indexOf(' ');
  const lines = table.lines.map((line, i) => {
    const result = results[i - 2];
    return result && !result.started ? `${line.padEnd(nameWidth)}  did not start: ${result.output.at(-1) ?? result.why}`.slice(0, width) : line;
  });
  const legend = RULES.map((rule, i) => `${String(i + 1).padStart(2)} ${rule.id}`);
  const details = results.flatMap((r) => {
    if (!r.started) return ['', `${r.name}: ${r.why}`, ...(r.output.length > 0 ? r.output : ['(no output)']).map((line) => `  ${line}`)];
    const failing = r.rules.filter((rule) => rule.verdict === 'fail');
    return failing.length === 0 ? [] : ['', `${r.name}:`, ...failing.map((rule) => `  ${rule.id}: ${rule.evidence[0] ?? ''}`)];
  });
  const skippedLine = skipped.length > 0 ? ['', `skipped (no run file): ${skipped.join(', ')}`] : [];
  return [...lines, '', `${VERDICT_MARKS.pass} pass  ${VERDICT_MARKS.fail} fail  ${VERDICT_MARKS['not-shown']} not shown`, ...legend, ...details, ...skippedLine];
}

/** `--json` with `--batch`: {"submissions":[{"name","started","rules":[{"id","verdict","evidence"}]}],"skipped":[...]}. */
export function batchJson(results: readonly SubmissionResult[], skipped: readonly string[]): string {
  const submissions = results.map((r) =>
    r.started ? { name: r.name, started: true, rules: r.rules } : { name: r.name, started: false, rules: [], why: r.why, output: r.output },
  );
  return JSON.stringify({ submissions, skipped }, null, 2) + '\n';
}
