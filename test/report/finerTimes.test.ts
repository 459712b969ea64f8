import * as fs from 'fs';
import * as path from 'path';
import { analyzeRun } from '../../src/report/analyzeRun.js';
import { debugFactsOf } from '../../src/report/debugLogs.js';
import { refineTimes } from '../../src/report/finerTimes.js';
import { renderReport } from '../../src/report/renderReport.js';
import { readProtocolLogs } from '../../src/logcheck/readRun.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';
import { BASE_MS, SHORT_RUN, SHORT_RUN_FACTS, debugLogs, protocolLogs } from './shortRun.js';

const completedAfterStart = (run: ReturnType<typeof analyzeRun>) => run.peers.map((p) => (p.completedMs === undefined ? undefined : p.completedMs - run.startMs));

describe('completion times', () => {
  test("at the debug log's millisecond when it repeats the protocol log's lines", () => {
    const run = analyzeRun(protocolLogs(SHORT_RUN), SHORT_RUN_FACTS, { debugLogs: debugLogs(SHORT_RUN) });
    expect(completedAfterStart(run)).toEqual([undefined, 1900, 2400]);
    expect(run.peers.map((p) => p.resolutionMs)).toEqual([1, 1, 1]);
    const html = renderReport(run, 'run');
    // After the run's first line, and after each peer's own start (its debug log's first line, 50 ms before its first event).
    expect(html).toContain('<tr><td>1002</td><td>1.90</td><td>1.95</td><td>2</td></tr>');
    expect(html).toContain('<tr><td>1003</td><td>2.40</td><td>2.05</td><td>2</td></tr>');
    expect(html).toContain("Times in these logs are to the millisecond. The finer times come from the peers' debug logs (log_peer_&lt;id&gt;.debug.log)");
    expect(html).toContain('2.40 s from the first log line to the last');
  });

  test('to the second, and said so, with the protocol logs alone (another implementation)', () => {
    const run = analyzeRun(protocolLogs(SHORT_RUN), SHORT_RUN_FACTS, { debugLogs: [] });
    expect(completedAfterStart(run)).toEqual([undefined, 1000, 2000]);
    const html = renderReport(run, 'run');
    expect(html).toContain('<tr><td>1002</td><td>1</td><td>2</td></tr>');
    expect(html).toContain('Times in these logs are to the second. Events within one second share one time');
    expect(html).not.toContain('after its own start');
  });

  test("our peers repeat every line but the 'have' and interest ones: the seeder's times are to the millisecond too", () => {
    const asOurPeersWrite = debugLogs(SHORT_RUN).map((log) => ({ ...log, lines: log.lines.filter((line) => !line.includes(" received the '")) }));
    const run = analyzeRun(protocolLogs(SHORT_RUN), SHORT_RUN_FACTS, { debugLogs: asOurPeersWrite });
    expect(run.peers.map((p) => p.resolutionMs)).toEqual([1, 1, 1]);
    expect(completedAfterStart(run)).toEqual([undefined, 1900, 2400]);
  });

  test('the resolution of each peer when only some have finer times', () => {
    const run = analyzeRun(protocolLogs(SHORT_RUN), SHORT_RUN_FACTS, { debugLogs: debugLogs(SHORT_RUN).filter((d) => d.peerId === 1002) });
    expect(renderReport(run, 'run')).toContain('Times are to the millisecond for peer 1002 and to the second for peers 1001, 1003. The finer times come from log_peer_1002.debug.log,');
  });

  test('read from the debug logs beside the protocol logs, so the report command needs no change', () => {
    const dir = makeTempDir('swarmlab-report-');
    try {
      for (const log of protocolLogs(SHORT_RUN)) fs.writeFileSync(path.join(dir, `log_peer_${log.peerId}.log`), log.lines.join('\n') + '\n');
      for (const log of debugLogs(SHORT_RUN)) fs.writeFileSync(path.join(dir, `log_peer_${log.peerId}.debug.log`), log.lines.join('\n') + '\n');
      const run = analyzeRun(readProtocolLogs(dir), SHORT_RUN_FACTS);
      expect(completedAfterStart(run)).toEqual([undefined, 1900, 2400]);
      expect(run.peers[0].finerTimesFrom).toBe(path.join(dir, 'log_peer_1001.debug.log'));
    } finally {
      removeTempDir(dir);
    }
  });
});

describe('debugFactsOf', () => {
  test('the start and the intervals from the start-up line our peers write today, at whole seconds', () => {
    const facts = debugFactsOf({
      peerId: 1003,
      file: 'log_peer_1003.debug.log',
      lines: [
        '2026-12-01 22:06:30 [1003] info: config read from /work/config/tiny: NumberOfPreferredNeighbors=2 UnchokingInterval=1s OptimisticUnchokingInterval=2s FileName=tiny.dat FileSize=100000 PieceSize=4096 pieces=25 (last piece 1696 bytes)',
        '2026-12-01 22:06:30 [1003] info: listening on port 7103',
        '2026-12-01 22:06:32 [1003] info: every peer has the complete file: closing connections',
      ],
    });
    expect(facts).toEqual({
      peerId: 1003,
      file: 'log_peer_1003.debug.log',
      startMs: Date.parse('2026-12-01T22:06:30'),
      resolutionMs: 1000,
      config: { k: 2, unchokingIntervalMs: 1000, optimisticUnchokingIntervalMs: 2000 },
      repeats: [],
    });
  });
});

describe('refineTimes', () => {
  const at = (second: number, sentence: string) => ({ ms: BASE_MS + second * 1000, resolutionMs: 1000, sentence });
  const chokedAgain = 'Peer 2 is choked by 1.';

  test('the n-th repeat of a sentence times its n-th protocol line', () => {
    const events = [at(0, chokedAgain), at(0, 'Peer 2 is unchoked by 1.'), at(3, chokedAgain)];
    const repeats = [
      { ms: BASE_MS + 120, sentence: chokedAgain },
      { ms: BASE_MS + 480, sentence: 'Peer 2 is unchoked by 1.' },
      { ms: BASE_MS + 3999, sentence: chokedAgain },
    ];
    expect(refineTimes(events, repeats, 1).map((e) => [e.ms - BASE_MS, e.resolutionMs])).toEqual([
      [120, 1],
      [480, 1],
      [3999, 1],
    ]);
  });

  test('a repeat outside the second its protocol line names is not that line: the whole second stays', () => {
    const events = [at(1, chokedAgain), at(5, chokedAgain)];
    const refined = refineTimes(events, [{ ms: BASE_MS + 3500, sentence: chokedAgain }], 1);
    expect(refined.map((e) => [e.ms - BASE_MS, e.resolutionMs])).toEqual([
      [1000, 1000],
      [5000, 1000],
    ]);
  });

  test('a debug log no finer than the protocol log changes nothing', () => {
    const events = [at(1, chokedAgain)];
    expect(refineTimes(events, [{ ms: BASE_MS + 1500, sentence: chokedAgain }], 1000)).toEqual(events);
  });
});
