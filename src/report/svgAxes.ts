/** Where a chart draws: its data area inside the SVG, in pixels. */
export interface PlotArea {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Round steps (1, 2, 5 times a power of ten) giving at most `maxTicks` intervals over `span`, at least `minStep`. */
export function tickStep(span: number, maxTicks: number, minStep: number): number {
  const rough = Math.max(span / maxTicks, minStep);
  if (!(rough > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  return Math.max(step, minStep);
}

/** 0, step, 2 step, ... up to `span`. */
export function ticks(span: number, step: number): number[] {
  const count = Math.floor(span / step + 1e-9);
  return Array.from({ length: count + 1 }, (_, i) => i * step);
}

/**
 * The time axis under a chart: a line, a tick and a label every round number
 * of seconds, and the axis's title with its unit. `x` maps seconds since the
 * first log line to pixels. Ticks no finer than the times the logs carry.
 */
export function timeAxis(area: PlotArea, spanSeconds: number, x: (seconds: number) => number, resolutionMs: number): string {
  const step = tickStep(spanSeconds, 10, resolutionMs / 1000);
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  const marks = ticks(spanSeconds, step).map((s) => {
    const at = x(s).toFixed(1);
    return `<line x1="${at}" y1="${area.bottom}" x2="${at}" y2="${area.bottom + 5}" stroke="#999"/><text x="${at}" y="${area.bottom + 18}" text-anchor="middle">${s.toFixed(decimals)}</text>`;
  });
  return (
    `<g class="axis" font-size="11"><line x1="${area.left}" y1="${area.bottom}" x2="${area.right}" y2="${area.bottom}" stroke="#999"/>${marks.join('')}` +
    `<text x="${(area.left + area.right) / 2}" y="${area.bottom + 34}" text-anchor="middle">time since the first log line (s)</text></g>`
  );
}

/** A count axis at the left of a chart: ticks at round numbers from 0 to `most`, and its title. */
export function countAxis(area: PlotArea, most: number, y: (count: number) => number, title: string): string {
  const marks = ticks(most, tickStep(most, 5, 1)).map((n) => {
    const at = y(n).toFixed(1);
    return `<line x1="${area.left - 5}" y1="${at}" x2="${area.left}" y2="${at}" stroke="#999"/><text x="${area.left - 8}" y="${at}" dy="4" text-anchor="end">${n}</text>`;
  });
  const middle = (area.top + area.bottom) / 2;
  return (
    `<g class="axis" font-size="11"><line x1="${area.left}" y1="${area.top}" x2="${area.left}" y2="${area.bottom}" stroke="#999"/>${marks.join('')}` +
    `<text x="12" y="${middle}" text-anchor="middle" transform="rotate(-90 12 ${middle})">${title}</text></g>`
  );
}
