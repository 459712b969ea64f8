/** The batch's table, JSON and HTML, and a single run's HTML, from made-up verdicts; runBatch with the check injected. */
import { batchPasses, runBatch } from '../../src/conform/batch.js';
import type { Conformance } from '../../src/conform/conformance.js';
import { batchJson, formatBatch } from '../../src/conform/formatBatch.js';
import { renderBatchHtml, renderResultsHtml } from '../../src/conform/renderHtml.js';
import { RULES } from '../../src/conform/rules.js';
import type { SubmissionResult } from '../../src/conform/SubmissionResult.js';
import type { RuleResult, Verdict } from '../../src/conform/Verdict.js';
import { leecherRun } from './recordings.js';

const HOSTILE = '<script>alert("pwned")</script> & more';

/** Every rule passing but those given. */
function verdicts(others: Record<string, [Verdict, string]> = {}): RuleResult[] {
  return RULES.map(({ id }) => (others[id] ? { id, verdict: others[id][0], evidence: [others[id][1]] } : { id, verdict: 'pass', evidence: ['seen'] }));
}

const RESULTS: SubmissionResult[] = [
  { name: 'alice', started: true, rules: verdicts() },
  { name: 'bob', started: true, rules: verdicts({ 'log.sentences': ['fail', `[leecher] log_peer_1002.log:2 not a sentence: ${HOSTILE}`], 'exit.by-itself': ['not-shown', 'no end'] }) },
  { name: 'carol', started: false, why: 'the peer did not start in the leecher scenario (it ended (status 1) before any connection)', output: ['Traceback', 'ImportError: no module named <bad>'] },
];

test('formatBatch: a row a submission (marks under numbered rules, pass count), a row saying why one did not start, a legend, failures and skipped', () => {
  const lines = formatBatch(RESULTS, ['dave'], 200);
  expect(lines.slice(0, 5)).toEqual([
    'submission  1  2  3  4  5  6  7  8  9  10  11  12  13  14  15  16  17  18  19  20  21  22  23  24  25  26  27  28  pass',
    '----------  -  -  -  -  -  -  -  -  -  --  --  --  --  --  --  --  --  --  --  --  --  --  --  --  --  --  --  --  -----',
    'alice       ✔  ✔  ✔  ✔  ✔  ✔  ✔  ✔  ✔  ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   28/28',
    'bob         ✔  ✔  ✔  ✔  ✔  ✔  ✔  ✔  ✔  ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ✔   ·   ✔   ✘   26/28',
    'carol       did not start: ImportError: no module named <bad>',
  ]);
  expect(lines).toContain(' 1 handshake.exact-bytes');
  expect(lines).toContain('28 log.sentences');
  expect(lines.slice(-9)).toEqual([
    '',
    'bob:',
    `  log.sentences: [leecher] log_peer_1002.log:2 not a sentence: ${HOSTILE}`,
    '',
    'carol: the peer did not start in the leecher scenario (it ended (status 1) before any connection)',
    '  Traceback',
    '  ImportError: no module named <bad>',
    '',
    'skipped (no run file): dave',
  ]);
});

test('formatBatch: no line is wider than the terminal', () => {
  for (const line of formatBatch(RESULTS, [], 50).slice(0, 5)) expect(line.length).toBeLessThanOrEqual(50);
});

test('batchJson: {"submissions":[{"name","started","rules"}],"skipped"}; one that did not start has no rules, and why', () => {
  const json = JSON.parse(batchJson(RESULTS, ['dave']));
  expect(json.submissions.map((s: { name: string; started: boolean; rules: unknown[] }) => [s.name, s.started, s.rules.length])).toEqual([
    ['alice', true, 28],
    ['bob', true, 28],
    ['carol', false, 0],
  ]);
  expect(json.submissions[1].rules[27]).toEqual({ id: 'log.sentences', verdict: 'fail', evidence: [`[leecher] log_peer_1002.log:2 not a sentence: ${HOSTILE}`] });
  expect(json.submissions[2].output).toEqual(['Traceback', 'ImportError: no module named <bad>']);
  expect(json.skipped).toEqual(['dave']);
});

/** Nothing fetched, nothing run: no scripts, no external links or sources. */
function expectSelfContained(page: string): void {
  expect(page).toMatch(/^<!doctype html>/);
  expect(page).toContain('<style>');
  expect(page).not.toMatch(/<script|<link|<img|(src|href)=|https?:/i);
}

test('renderBatchHtml: self-contained, every rule id, the peer\'s text escaped', () => {
  const page = renderBatchHtml([...RESULTS, { name: '<b>mallory</b>', started: true, rules: verdicts() }], ['<i>dave</i>']);
  expectSelfContained(page);
  for (const rule of RULES) expect(page).toContain(rule.id);
  expect(page).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; more');
  expect(page).toContain('ImportError: no module named &lt;bad&gt;');
  expect(page).toContain('&lt;b&gt;mallory&lt;/b&gt;');
  expect(page).toContain('Skipped (no run file): &lt;i&gt;dave&lt;/i&gt;');
  expect(page).not.toContain('<b>mallory');
});

test('renderResultsHtml: self-contained, every rule with its verdict and evidence, escaped', () => {
  const page = renderResultsHtml(RESULTS[1].started ? RESULTS[1].rules : [], 'python3 peer.py {id} <x>');
  expectSelfContained(page);
  for (const rule of RULES) expect(page).toContain(`<code>${rule.id}</code>`);
  expect(page).toContain('<td class="fail">✘ fail</td><td><pre>[leecher] log_peer_1002.log:2 not a sentence: &lt;script&gt;');
  expect(page).toContain('<td class="not-shown">· not-shown</td><td><pre>no end</pre>');
  expect(page).toContain('python3 peer.py {id} &lt;x&gt;');
  expect(page).toContain('26 pass, 1 fail, 1 not shown (of 28 rules)');
});

test('runBatch: a run file that cannot be used is a row without starting anything; a peer that did not start keeps its last output lines', async () => {
  const checked: string[][] = [];
  const check = async ({ command }: { command: readonly string[] }): Promise<Conformance> => {
    checked.push([...command]);
    const output = Array.from({ length: 8 }, (_, i) => `line ${i + 1}`);
    return { kind: 'not-started', outcome: { run: leecherRun({ end: { by: 'itself', atMs: 5, code: 1, signal: null } }), started: false, output, workDir: '/tmp/x' } };
  };
  const results = await runBatch(
    [
      { name: 'adam', folder: '/g/adam', command: { error: '/g/adam/run: empty' } },
      { name: 'zoe', folder: '/g/zoe', command: ['node', '/g/zoe/peer.js', '{id}'] },
    ],
    { timeoutMs: 20_000, keepWorkDirs: false },
    check,
  );
  expect(checked).toEqual([['node', '/g/zoe/peer.js', '{id}']]);
  expect(results).toEqual([
    { name: 'adam', started: false, why: 'its run file cannot be used', output: ['/g/adam/run: empty'] },
    { name: 'zoe', started: false, why: 'the peer did not start in the leecher scenario (it ended (status 1) before any connection)', output: ['line 4', 'line 5', 'line 6', 'line 7', 'line 8'] },
  ]);
  expect(batchPasses(results)).toBe(false);
});

test('batchPasses: only when every submission started and none fails a rule (not-shown is no failure)', () => {
  expect(batchPasses([RESULTS[0], { name: 'x', started: true, rules: verdicts({ 'exit.by-itself': ['not-shown', 'no end'] }) }])).toBe(true);
  expect(batchPasses(RESULTS.slice(0, 2))).toBe(false);
});
