import { esc } from '../report/renderReport.js';
import type { SubmissionResult } from './SubmissionResult.js';
import { passCount, VERDICT_MARKS } from './formatBatch.js';
import { RULES } from './rules.js';
import type { RuleResult } from './Verdict.js';

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f4f4}.pass{color:#1a7f37}.fail{color:#c62828}.not-shown{color:#777}.mark{text-align:center}
pre{font-size:12px;background:#f7f7f7;padding:.4rem;margin:0;white-space:pre-wrap}code{font-size:12px}`;

/** One self-contained page (inline CSS, no script, nothing fetched); everything the peer produced is escaped. */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
${STYLE}
</style></head><body>
<h1>${esc(title)}</h1>
${body}
</body></html>
`;
}

/** `conform --html`: each rule with its verdict and evidence. */
export function renderResultsHtml(results: readonly RuleResult[], command: string): string {
  const summaries = new Map(RULES.map((r) => [r.id, r.summary]));
  const rows = results.map(
    (r) => `<tr><td><code>${esc(r.id)}</code></td><td>${esc(summaries.get(r.id) ?? '')}</td><td class="${r.verdict}">${VERDICT_MARKS[r.verdict]} ${r.verdict}</td><td>${evidence(r.evidence)}</td></tr>`,
  );
  const count = (verdict: string) => results.filter((r) => r.verdict === verdict).length;
  return page(
    'swarmlab conform',
    `<p>Command: <code>${esc(command)}</code></p>
<p>${count('pass')} pass, ${count('fail')} fail, ${count('not-shown')} not shown (of ${results.length} rules).</p>
<table><tr><th>rule</th><th>what it checks</th><th>verdict</th><th>evidence</th></tr>
${rows.join('\n')}</table>`,
  );
}

/** `conform --batch --html`: the matrix of submissions by rules, then each submission's failures. */
export function renderBatchHtml(results: readonly SubmissionResult[], skipped: readonly string[]): string {
  const header = `<tr><th>submission</th>${RULES.map((r, i) => `<th title="${esc(r.id)}">${i + 1}</th>`).join('')}<th>pass</th></tr>`;
  const rows = results.map((r) =>
    r.started
      ? `<tr><td>${esc(r.name)}</td>${r.rules.map((rule) => `<td class="mark ${rule.verdict}" title="${esc(rule.id)}: ${rule.verdict}">${VERDICT_MARKS[rule.verdict]}</td>`).join('')}<td>${passCount(r)}</td></tr>`
      : `<tr><td>${esc(r.name)}</td><td class="fail" colspan="${RULES.length + 1}">did not start: ${esc(r.output.at(-1) ?? r.why)}</td></tr>`,
  );
  const legend = RULES.map((r, i) => `<li value="${i + 1}"><code>${esc(r.id)}</code>: ${esc(r.summary)}</li>`);
  const details = results.map((r) => {
    if (!r.started) return `<h2>${esc(r.name)}</h2><p class="fail">${esc(r.why)}</p>${evidence(r.output.length > 0 ? r.output : ['(no output)'])}`;
    const failing = r.rules.filter((rule) => rule.verdict === 'fail');
    if (failing.length === 0) return '';
    const items = failing.map((rule) => `<tr><td><code>${esc(rule.id)}</code></td><td>${evidence(rule.evidence)}</td></tr>`);
    return `<h2>${esc(r.name)}</h2><table><tr><th>failing rule</th><th>evidence</th></tr>${items.join('\n')}</table>`;
  });
  const skippedNote = skipped.length > 0 ? `<p>Skipped (no run file): ${skipped.map(esc).join(', ')}</p>` : '';
  return page(
    'swarmlab conform: batch',
    `<p>${VERDICT_MARKS.pass} pass, ${VERDICT_MARKS.fail} fail, ${VERDICT_MARKS['not-shown']} not shown.</p>
<table>${header}
${rows.join('\n')}</table>
<ol>${legend.join('\n')}</ol>
${skippedNote}
${details.filter((d) => d !== '').join('\n')}`,
  );
}

function evidence(lines: readonly string[]): string {
  return lines.length > 0 ? `<pre>${lines.map(esc).join('\n')}</pre>` : '';
}
