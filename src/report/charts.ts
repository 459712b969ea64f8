import type { RunAnalysis } from './analyzeRun.js';
import { countAxis, timeAxis, type PlotArea } from './svgAxes.js';

export const CHART_WIDTH = 760;
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
/** Room under a chart for the time axis's labels and title. */
const TIME_AXIS_HEIGHT = 40;

/** One colour per peer, the same in every chart. */
export function peerColour(run: RunAnalysis, peerId: number): string {
  return PALETTE[Math.max(0, run.peers.findIndex((p) => p.peerId === peerId)) % PALETTE.length];
}

/** Pixels across for a time, on the same scale in every chart so they line up. */
function timeScale(run: RunAnalysis, area: PlotArea) {
  const spanMs = Math.max(1, run.endMs - run.startMs);
  const x = (ms: number) => area.left + ((ms - run.startMs) / spanMs) * (area.right - area.left);
  const axis = timeAxis(area, spanMs / 1000, (seconds) => x(run.startMs + seconds * 1000), run.resolutionMs);
  return { x, axis };
}

/** Pieces held by each peer over time, one line per peer. */
export function progressChart(run: RunAnalysis): string {
  const height = 320;
  const area: PlotArea = { left: 60, right: CHART_WIDTH - 20, top: 30, bottom: height - TIME_AXIS_HEIGHT };
  const { x, axis } = timeScale(run, area);
  const most = Math.max(1, run.peers.reduce((m, p) => Math.max(m, p.progress.at(-1)?.count ?? 0), 0));
  const y = (count: number) => area.bottom - (count / most) * (area.bottom - area.top);
  const lines = run.peers.map((p) => {
    const points = p.progress.map((pt) => `${x(pt.ms).toFixed(1)},${y(pt.count).toFixed(1)}`).join(' ');
    return points ? `<polyline fill="none" stroke="${peerColour(run, p.peerId)}" stroke-width="2" points="${points}"><title>peer ${p.peerId}</title></polyline>` : '';
  });
  const legend = run.peers.map((p, i) => `<text x="${area.left + 10 + (i % 8) * 85}" y="${14 + Math.floor(i / 8) * 14}" fill="${peerColour(run, p.peerId)}">&#9632; ${p.peerId}</text>`);
  return `<svg width="${CHART_WIDTH}" height="${height}" role="img" aria-label="pieces held over time">
${countAxis(area, most, y, 'pieces held')}${axis}
${legend.join('')}${lines.join('\n')}</svg>`;
}

/** For one peer, a bar per neighbour while that neighbour kept it unchoked. */
export function unchokeTimeline(run: RunAnalysis, peerId: number): string {
  const story = run.peers.find((p) => p.peerId === peerId)!;
  const neighbours = [...story.unchokedBy.keys()].sort((a, b) => a - b);
  if (neighbours.length === 0) return `<p>Peer ${peerId}: never unchoked by anyone (a seeder needs nobody).</p>`;
  const rowHeight = 16;
  const area: PlotArea = { left: 60, right: CHART_WIDTH - 20, top: 0, bottom: neighbours.length * rowHeight + 4 };
  const { x, axis } = timeScale(run, area);
  const rows = neighbours.map((n, row) => {
    const bars = story.unchokedBy
      .get(n)!
      .map((iv) => `<rect x="${x(iv.fromMs).toFixed(1)}" y="${row * rowHeight + 3}" width="${Math.max(1, x(iv.toMs) - x(iv.fromMs)).toFixed(1)}" height="${rowHeight - 5}" fill="${peerColour(run, n)}"/>`)
      .join('');
    return `<text x="0" y="${row * rowHeight + 13}">by ${n}</text>${bars}`;
  });
  return `<p>Peer ${peerId}</p><svg width="${CHART_WIDTH}" height="${area.bottom + TIME_AXIS_HEIGHT}" role="img" aria-label="who unchoked peer ${peerId} when">${rows.join('')}${axis}</svg>`;
}
