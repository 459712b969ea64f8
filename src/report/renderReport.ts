import * as path from 'path';
import type { PeerStory, Requirement, RunAnalysis } from './analyzeRun.js';
import { CHART_WIDTH, progressChart, unchokeTimeline } from './charts.js';
import { formatSeconds } from './timeResolution.js';
import { formatGroup, groupViolations } from '../logcheck/groupViolations.js';

/** One self-contained HTML page (inline CSS and SVG, nothing fetched): open it anywhere. */
export function renderReport(run: RunAnalysis, title: string): string {
  const timesKnown = !Number.isNaN(run.startMs);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:${CHART_WIDTH + 40}px;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}
th{background:#f4f4f4}.ok{color:#1a7f37}.bad{color:#c62828}code,pre{font-size:12px;background:#f7f7f7}code{white-space:nowrap}
pre{padding:.4rem;white-space:pre-wrap}li{margin-bottom:.4rem}
.why,.todo{color:#222;margin:.2rem 0 .2rem 1.2rem}.note{color:#555}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${run.peers.length} peers; ${timesKnown ? `${formatSeconds(run.endMs - run.startMs, run.resolutionMs)} s from the first log line to the last` : 'the times in these logs could not be read'}.</p>
${timesKnown ? `<p class="note">${esc(timesNote(run))}</p>` : ''}
<h2>Course requirements</h2>
<ul>${run.requirements.map(requirement).join('\n')}</ul>
<h2>Pieces held over time</h2>
${timesKnown ? progressChart(run) : '<p>No plot: the times in these logs could not be read.</p>'}
<h2>Who gave whom how many pieces</h2>
${transferTable(run)}
<h2>Completion</h2>
${completionTable(run)}
<h2>Choke and unchoke timeline</h2>
<p>For each peer, a bar while a neighbour kept it unchoked (as the peer logged it).</p>
${timesKnown ? run.peers.map((p) => unchokeTimeline(run, p.peerId)).join('\n') : '<p>No timeline: the times in these logs could not be read.</p>'}
<h2>Log check</h2>
${run.violations.length === 0 ? '<p class="ok">No violations.</p>' : `<pre class="bad">${groupViolations(run.violations).map((g) => esc(formatGroup(g))).join('\n')}</pre>`}
</body></html>
`;
}

/** ✔ with the lines that show it, or ✘ with why not and what to do. */
function requirement(r: Requirement): string {
  const explanation = r.met ? '' : `<p class="why"><b>Why:</b> ${withCode(r.reason ?? '')}</p><p class="todo"><b>What to do:</b> ${withCode(r.action ?? '')}</p>`;
  const evidence = r.evidence.length ? `<pre>${r.evidence.map(esc).join('\n')}</pre>` : '';
  return `<li class="${r.met ? 'ok' : 'bad'}">${r.met ? '&#10004;' : '&#10008;'} ${esc(r.title)}${explanation}${evidence}</li>`;
}

const RESOLUTION_WORDS: Record<number, string> = { 1: 'millisecond', 10: 'hundredth of a second', 100: 'tenth of a second', 1000: 'second' };

/** How finely the times are known, and where the finer ones come from. */
export function timesNote(run: RunAnalysis): string {
  const byResolution = new Map<number, PeerStory[]>();
  for (const peer of run.peers) byResolution.set(peer.resolutionMs, [...(byResolution.get(peer.resolutionMs) ?? []), peer]);
  const word = (ms: number) => RESOLUTION_WORDS[ms] ?? `${ms} ms`;
  const parts = [...byResolution].sort(([a], [b]) => a - b);
  const resolution =
    parts.length === 1
      ? `Times in these logs are to the ${word(parts[0][0])}.`
      : `Times are to the ${parts.map(([ms, peers]) => `${word(ms)} for peer${peers.length > 1 ? 's' : ''} ${peers.map((p) => p.peerId).join(', ')}`).join(' and to the ')}.`;
  const refined = run.peers.filter((p) => p.finerTimesFrom);
  const whose = refined.length === run.peers.length ? "the peers' debug logs (log_peer_<id>.debug.log)" : refined.map((p) => path.basename(p.finerTimesFrom!)).join(', ');
  const source = refined.length > 0 ? ` The finer times come from ${whose}, which repeat the protocol-log lines with milliseconds.` : '';
  const caveat = run.resolutionMs >= 1000 ? ' Events within one second share one time: the plots move in whole-second steps, and each time below is good to about a second.' : '';
  return resolution + source + caveat;
}

function transferTable(run: RunAnalysis): string {
  const ids = run.peers.map((p) => p.peerId);
  const header = `<tr><th>from \\ to</th>${ids.map((id) => `<th>${id}</th>`).join('')}</tr>`;
  const rows = ids.map((from) => `<tr><th>${from}</th>${ids.map((to) => `<td>${run.transfers.get(from)?.get(to) ?? ''}</td>`).join('')}</tr>`);
  return `<table>${header}${rows.join('')}</table>`;
}

/**
 * When each peer completed: after the run's first log line, and (from our
 * debug logs) after the peer's own start, which is what the launcher shows.
 */
function completionTable(run: RunAnalysis): string {
  const sinceOwnStart = run.peers.some((p) => p.startedMs !== undefined);
  const after = (p: PeerStory, fromMs: number | undefined) =>
    p.completedMs === undefined || fromMs === undefined || Number.isNaN(p.completedMs) ? '' : formatSeconds(p.completedMs - fromMs, p.resolutionMs);
  const state = (p: PeerStory) => (p.completedMs !== undefined ? '' : p.progress.length === 0 ? 'seeder' : 'never');
  const header = `<tr><th>peer</th><th>complete after the run's first log line (s)</th>${sinceOwnStart ? "<th>after its own start (s)</th>" : ''}<th>pieces downloaded</th></tr>`;
  const rows = run.peers.map(
    (p) =>
      `<tr><td>${p.peerId}</td><td>${state(p) || after(p, run.startMs)}</td>${sinceOwnStart ? `<td>${state(p) || after(p, p.startedMs)}</td>` : ''}<td>${p.progress.length}</td></tr>`,
  );
  const ownStart = sinceOwnStart
    ? `<p class="note">A peer's own start is the first line of its debug log, once its process has loaded; the launcher's "complete after" counts from the process's launch, a little earlier, so it reads a little longer.</p>`
    : '';
  return `<table>${header}\n${rows.join('\n')}</table>${ownStart}`;
}

/** Escapes, then shows `back-quoted` text as code. */
function withCode(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** Escapes text for HTML (element content and quoted attributes). */
export function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
