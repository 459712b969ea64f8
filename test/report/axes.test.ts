import { analyzeRun } from '../../src/report/analyzeRun.js';
import { renderReport } from '../../src/report/renderReport.js';
import { tickStep, ticks } from '../../src/report/svgAxes.js';
import { SHORT_RUN, SHORT_RUN_FACTS, debugLogs, protocolLogs } from './shortRun.js';

/** Every <svg> of the page, by its aria-label. */
function charts(html: string): Map<string, string> {
  return new Map([...html.matchAll(/<svg [^>]*aria-label="([^"]+)"[^>]*>([\s\S]*?)<\/svg>/g)].map((m) => [m[1], m[2]]));
}
const tickLabels = (svg: string) => [...svg.matchAll(/<text [^>]*text-anchor="middle">([\d.]+)<\/text>/g)].map((m) => m[1]);
const TIME_TITLE = 'time since the first log line (s)';

describe('the plots have time axes with ticks, labels and units', () => {
  test('at the millisecond: the pieces plot and every choke timeline, ticks every half second over 2.4 s', () => {
    const found = charts(renderReport(analyzeRun(protocolLogs(SHORT_RUN), SHORT_RUN_FACTS, { debugLogs: debugLogs(SHORT_RUN) }), 'run'));
    expect([...found.keys()]).toEqual(['pieces held over time', 'who unchoked peer 1002 when', 'who unchoked peer 1003 when']);
    for (const svg of found.values()) {
      expect(svg).toContain(TIME_TITLE);
      expect(tickLabels(svg)).toEqual(['0.0', '0.5', '1.0', '1.5', '2.0']);
    }
    expect(found.get('pieces held over time')).toMatch(/>pieces held<\/text>/);
    expect([...found.get('pieces held over time')!.matchAll(/text-anchor="end">(\d+)</g)].map((m) => m[1])).toEqual(['0', '1', '2']);
  });

  test('at the second: ticks no finer than the logs', () => {
    const found = charts(renderReport(analyzeRun(protocolLogs(SHORT_RUN), SHORT_RUN_FACTS, { debugLogs: [] }), 'run'));
    for (const svg of found.values()) expect(tickLabels(svg)).toEqual(['0', '1', '2']);
  });
});

describe('tick steps', () => {
  test.each([
    [2.4, 10, 0.001, 0.5],
    [6, 10, 1, 1],
    [0.4, 10, 1, 1],
    [95, 10, 0.001, 10],
    [306, 5, 1, 100],
    [2, 5, 1, 1],
    [0, 10, 0, 1],
  ])('over %d, at most %d ticks, no finer than %d: %d', (span, most, finest, step) => expect(tickStep(span, most, finest)).toBe(step));

  test('from 0 to the span', () => expect(ticks(2.4, 0.5)).toEqual([0, 0.5, 1, 1.5, 2]));
});
