import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { analyzeRun } from '../../src/report/analyzeRun.js';
import { renderReport } from '../../src/report/renderReport.js';
import { parseLogTime } from '../../src/log/logTime.js';
import type { PeerLog } from '../../src/logcheck/checkLogs.js';
import { readProtocolLogs } from '../../src/logcheck/readRun.js';

const T = (second: number) => `2026-11-21 10:00:${String(second).padStart(2, '0')}`;

function run(): PeerLog[] {
  return [
    {
      peerId: 1,
      file: 'log_peer_1.log',
      lines: [
        `${T(0)}: Peer 1 is connected from Peer 2.`,
        `${T(0)}: Peer 1 received the 'interested' message from 2.`,
        `${T(0)}: Peer 1 has the preferred neighbors 2.`,
        `${T(1)}: Peer 1 has the optimistically unchoked neighbor 2.`,
        `${T(3)}: Peer 1 received the 'not interested' message from 2.`,
        `${T(3)}: Peer 1 received the 'have' message from 2 for the piece 1.`,
      ],
    },
    {
      peerId: 2,
      file: 'log_peer_2.log',
      lines: [
        `${T(0)}: Peer 2 makes a connection to Peer 1.`,
        `${T(0)}: Peer 2 is unchoked by 1.`,
        `${T(1)}: Peer 2 has downloaded the piece 0 from 1. Now the number of pieces it has is 1.`,
        `${T(2)}: Peer 2 is choked by 1.`,
        `${T(2)}: Peer 2 is unchoked by 1.`,
        `${T(3)}: Peer 2 has downloaded the piece 1 from 1. Now the number of pieces it has is 2.`,
        `${T(3)}: Peer 2 has downloaded the complete file.`,
      ],
    },
  ];
}

const facts = { pieceCount: 2, k: 1, peers: [{ peerId: 1, hasFile: true }, { peerId: 2, hasFile: false }] };

describe('analyzeRun', () => {
  test('pieces over time, who gave whom, completion and unchoke intervals', () => {
    const analysis = analyzeRun(run(), facts);
    const leecher = analysis.peers.find((p) => p.peerId === 2)!;
    expect(leecher.progress.map((p) => p.count)).toEqual([1, 2]);
    expect(leecher.completedMs! - analysis.startMs).toBe(3000);
    expect(analysis.transfers.get(1)?.get(2)).toBe(2);
    expect(leecher.unchokedBy.get(1)!.map((iv) => [iv.fromMs - analysis.startMs, iv.toMs - analysis.startMs])).toEqual([
      [0, 2000],
      [2000, 3000],
    ]);
  });

  test('the checklist shows each course requirement with its evidence', () => {
    const { requirements } = analyzeRun(run(), facts);
    expect(requirements.every((r) => r.met)).toBe(true);
    const optimistic = requirements.find((r) => r.title.startsWith('An optimistically'))!;
    expect(optimistic.evidence).toEqual([`log_peer_1.log: ${T(1)}: Peer 1 has the optimistically unchoked neighbor 2.`]);
  });

  test('a run that never shows an optimistic unchoke says so', () => {
    const logs = run().map((log) => ({ ...log, lines: log.lines.filter((l) => !l.includes('optimistically')) }));
    expect(analyzeRun(logs, facts).requirements.find((r) => r.title.startsWith('An optimistically'))!.met).toBe(false);
  });
});

describe('renderReport', () => {
  test('one self-contained page: the checklist, the plot, the matrix, the timeline; nothing fetched', () => {
    const html = renderReport(analyzeRun(run(), facts), 'a <test> run');
    expect(html).toContain('<title>a &lt;test&gt; run</title>');
    expect(html).toMatch(/<polyline [^>]*points="[\d., ]+"><title>peer 2<\/title>/);
    expect(html).toContain('<th>1</th><td></td><td>2</td>');
    expect(html).toContain('Peer 2</p><svg');
    expect(html).not.toMatch(/<script|<link|src=|href="http/);
    expect(html).toContain('No violations.');
  });
});

describe('reading a run from disk', () => {
  test('protocol logs only (not the debug logs), sorted by peer', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-report-'));
    try {
      fs.writeFileSync(path.join(dir, 'log_peer_2.log'), 'a\nb\n');
      fs.writeFileSync(path.join(dir, 'log_peer_10.log'), 'c\n');
      fs.writeFileSync(path.join(dir, 'log_peer_2.debug.log'), 'x\n');
      expect(readProtocolLogs(dir).map((l) => l.peerId)).toEqual([2, 10]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseLogTime', () => {
  test.each([
    ['2026-11-21 10:15:04', Date.parse('2026-11-21T10:15:04')],
    ['[2026-11-21 10:15:04.123]', Date.parse('2026-11-21T10:15:04.123')],
    ['2026-11-21T10:15:04Z', Date.parse('2026-11-21T10:15:04Z')],
    ['Sat Nov 21 10:15:04 2026', Date.parse('Sat Nov 21 10:15:04 2026')],
    ['10:15:04', ((10 * 60 + 15) * 60 + 4) * 1000],
    ['10:15:04,5', ((10 * 60 + 15) * 60 + 4) * 1000 + 500],
  ])('%s', (text, ms) => expect(parseLogTime(text)).toBe(ms));

  test.each(['yesterday-ish', 'tick 10', 'Nov 2026'])('%s is unreadable: NaN, not a guess', (text) => expect(parseLogTime(text)).toBeNaN());
});
