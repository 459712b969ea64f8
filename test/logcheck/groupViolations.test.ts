import type { Violation } from '../../src/logcheck/checkLogs.js';
import { formatGroup, groupViolations } from '../../src/logcheck/groupViolations.js';

const count = (line: number, after: number): Violation => ({ file: 'log_peer_2.log', line, rule: 'count rises by one', detail: `count ${after + 2} after ${after}` });

describe('groupViolations: one entry per mistake repeated', () => {
  test('same file, rule and shape: the first line, then the other lines, listed up to ten', () => {
    const violations = Array.from({ length: 13 }, (_, i) => count(2 * i + 1, i));
    expect(groupViolations(violations).map(formatGroup)).toEqual([
      'log_peer_2.log:1: count rises by one: count 2 after 0\n  and 12 more lines like this one (lines 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, ...)',
    ]);
  });

  test('one more: "line", not "lines"', () => {
    expect(groupViolations([count(1, 0), count(4, 3)]).map(formatGroup)).toEqual(['log_peer_2.log:1: count rises by one: count 2 after 0\n  and 1 more line like this one (line 4)']);
  });

  test('a shape given groups details that differ in more than numbers', () => {
    const sentence = (line: number, text: string): Violation => ({ file: 'f', line, rule: 'spec sentence', detail: text, shape: "missing the final '.'" });
    expect(groupViolations([sentence(1, 'Peer 1 is choked by 2'), sentence(2, 'Peer 1 is unchoked by 2')])).toEqual([{ first: sentence(1, 'Peer 1 is choked by 2'), moreLines: [2] }]);
  });

  test('another file, rule or shape, or a violation about a whole log, stays apart; the order is kept', () => {
    const violations: Violation[] = [
      count(1, 0),
      { ...count(2, 1), file: 'log_peer_3.log' },
      { ...count(3, 2), rule: 'no piece twice' },
      { ...count(4, 3), detail: 'count 5 after 3 (a restart)' },
      { file: 'log_peer_2.log', rule: 'connections', detail: 'no "makes a connection to Peer 1"' },
      { file: 'log_peer_2.log', rule: 'connections', detail: 'no "makes a connection to Peer 3"' },
      count(9, 7),
    ];
    expect(groupViolations(violations).map((g) => [g.first, g.moreLines])).toEqual([
      [violations[0], [9]],
      [violations[1], []],
      [violations[2], []],
      [violations[3], []],
      [violations[4], []],
      [violations[5], []],
    ]);
  });
});
