import type { RunAnalysis } from './analyzeRun';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const WIDTH = 760;

/** One self-contained HTML page (inline CSS and SVG, nothing fetched): open it anywhere. */
export function renderReport(run: RunAnalysis, title: string): string {
  const seconds = (ms: number) => ((ms - run.startMs) / 1000).toFixed(1);
  const colour = (i: number) => PALETTE[i % PALETTE.length];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:${WIDTH + 40}px;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}
th{background:#f4f4f4}.ok{color:#1a7f37}.bad{color:#c62828}code,pre{font-size:12px;background:#f7f7f7}
pre{padding:.4rem;white-space:pre-wrap}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${run.peers.length} peers; ${((run.endMs - run.startMs) / 1000).toFixed(1)} s from the first log line to the last.</p>
<h2>Course requirements</h2>
<ul>${run.requirements
    .map(
      (r) =>
        `<li class="${r.met ? 'ok' : 'bad'}">${r.met ? '&#10004;' : '&#10008;'} ${esc(r.title)}${r.evidence.length ? `<pre>${r.evidence.map(esc).join('\n')}</pre>` : ''}</li>`,
    )
    .join('\n')}</ul>
<h2>Pieces held over time</h2>
${progressChart(run, colour)}
<h2>Who gave whom how many pieces</h2>
${transferTable(run)}
<h2>Completion</h2>
<table><tr><th>peer</th><th>complete after (s)</th><th>pieces downloaded</th></tr>
${run.peers
    .map((p) => `<tr><td>${p.peerId}</td><td>${p.completedMs !== undefined ? seconds(p.completedMs) : p.progress.length === 0 ? 'seeder' : 'never'}</td><td>${p.progress.length}</td></tr>`)
    .join('\n')}</table>
<h2>Choke and unchoke timeline</h2>
<p>For each peer, a bar while a neighbour kept it unchoked (as the peer logged it).</p>
${run.peers.map((p) => timeline(run, p.peerId, colour)).join('\n')}
<h2>Log check</h2>
${run.violations.length === 0 ? '<p class="ok">No violations.</p>' : `<pre class="bad">${run.violations.map((v) => esc(`${v.file}${v.line ? `:${v.line}` : ''}: ${v.rule}: ${v.detail}`)).join('\n')}</pre>`}
</body></html>
`;
}

function progressChart(run: RunAnalysis, colour: (i: number) => string): string {
  const height = 260;
  const span = Math.max(1, run.endMs - run.startMs);
  const most = Math.max(1, ...run.peers.flatMap((p) => p.progress.map((x) => x.count)));
  const x = (ms: number) => 40 + ((ms - run.startMs) / span) * (WIDTH - 60);
  const y = (count: number) => height - 30 - (count / most) * (height - 50);
  const lines = run.peers.map((p, i) => {
    const points = p.progress.map((pt) => `${x(pt.ms).toFixed(1)},${y(pt.count).toFixed(1)}`).join(' ');
    return points ? `<polyline fill="none" stroke="${colour(i)}" stroke-width="2" points="${points}"><title>peer ${p.peerId}</title></polyline>` : '';
  });
  const legend = run.peers.map((p, i) => `<text x="${50 + (i % 8) * 90}" y="${14 + Math.floor(i / 8) * 14}" fill="${colour(i)}">&#9632; ${p.peerId}</text>`);
  return `<svg width="${WIDTH}" height="${height}" role="img" aria-label="pieces over time">
<line x1="40" y1="${height - 30}" x2="${WIDTH - 20}" y2="${height - 30}" stroke="#999"/><line x1="40" y1="20" x2="40" y2="${height - 30}" stroke="#999"/>
<text x="40" y="${height - 10}">0 s</text><text x="${WIDTH - 60}" y="${height - 10}">${(span / 1000).toFixed(1)} s</text><text x="2" y="${y(most) + 4}">${most}</text>
${legend.join('')}${lines.join('\n')}</svg>`;
}

function transferTable(run: RunAnalysis): string {
  const ids = run.peers.map((p) => p.peerId);
  const header = `<tr><th>from \\ to</th>${ids.map((id) => `<th>${id}</th>`).join('')}</tr>`;
  const rows = ids.map((from) => `<tr><th>${from}</th>${ids.map((to) => `<td>${run.transfers.get(from)?.get(to) ?? ''}</td>`).join('')}</tr>`);
  return `<table>${header}${rows.join('')}</table>`;
}

function timeline(run: RunAnalysis, peerId: number, colour: (i: number) => string): string {
  const story = run.peers.find((p) => p.peerId === peerId)!;
  const neighbours = [...story.unchokedBy.keys()].sort((a, b) => a - b);
  if (neighbours.length === 0) return `<p>Peer ${peerId}: never unchoked by anyone (a seeder needs nobody).</p>`;
  const span = Math.max(1, run.endMs - run.startMs);
  const x = (ms: number) => 60 + ((ms - run.startMs) / span) * (WIDTH - 80);
  const rowHeight = 14;
  const rows = neighbours.map((n, row) => {
    const index = run.peers.findIndex((p) => p.peerId === n);
    const bars = story.unchokedBy
      .get(n)!
      .map((iv) => `<rect x="${x(iv.fromMs).toFixed(1)}" y="${row * rowHeight + 2}" width="${Math.max(1, x(iv.toMs) - x(iv.fromMs)).toFixed(1)}" height="${rowHeight - 4}" fill="${colour(index)}"/>`)
      .join('');
    return `<text x="0" y="${row * rowHeight + 11}">by ${n}</text>${bars}`;
  });
  return `<p>Peer ${peerId}</p><svg width="${WIDTH}" height="${neighbours.length * rowHeight + 4}">${rows.join('')}</svg>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
