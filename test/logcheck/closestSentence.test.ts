import { parseLogLine } from '../../src/log/specSentences.js';
import { checkLogs } from '../../src/logcheck/checkLogs.js';
import { closestSentence, SPEC_FORMS } from '../../src/logcheck/closestSentence.js';
import { at, correctRun } from './runFixture.js';

test('each form, its placeholders filled, is a spec sentence: the forms are the patterns\' sentences', () => {
  const lines = SPEC_FORMS.map((form) => `${at(0)}: ${form.replace(/\[id list[^\]]*\]/, '2, 3').replace(/\[[^\]]+\]/g, '7')}`);
  expect(lines.map((line) => parseLogLine(line)?.event.kind)).toEqual([
    'makesConnection', 'connectedFrom', 'preferredNeighbors', 'optimisticNeighbor', 'unchokedBy', 'chokedBy',
    'receivedHave', 'receivedInterested', 'receivedNotInterested', 'downloadedPiece', 'completeFile',
  ]);
});

describe('closestSentence: the spec sentence a line comes closest to, and what differs', () => {
  test.each<[string, string, string]>([
    [`${at(1)}: Peer 5002 is unchoked by 5003`, '[Time]: Peer [id1] is unchoked by [id2].', "missing the final '.'"],
    [`${at(1)}: Peer 5002 has downloaded the piece 3 from 5001. Now the number of pieces it has is 4`, '[Time]: Peer [id1] has downloaded the piece [index] from [id2]. Now the number of pieces it has is [count].', "missing the final '.'"],
    [`${at(1)}: peer 5002 is unchoked by 5003.`, '[Time]: Peer [id1] is unchoked by [id2].', "'peer' where the spec has 'Peer' (case)"],
    [`${at(1)}: Peer 5002 is unchocked by 5003.`, '[Time]: Peer [id1] is unchoked by [id2].', "'unchocked' where the spec has 'unchoked'"],
    [`${at(1)}: Peer 5002 has the preferred neighbours 1, 2.`, '[Time]: Peer [id] has the preferred neighbors [id list, comma-separated].', "'neighbours' where the spec has 'neighbors'"],
    [`${at(1)}: Peer 5002 is connected from 5001.`, '[Time]: Peer [id1] is connected from Peer [id2].', "missing 'Peer'"],
    [`${at(1)}: Peer 5002 received the have message from 5003 for the piece 4.`, "[Time]: Peer [id1] received the 'have' message from [id2] for the piece [index].", `missing "'"; missing "'"`],
    [`${at(1)}: Peer 5002 is choked by the peer 5001.`, '[Time]: Peer [id1] is choked by [id2].', "an extra 'the'; an extra 'peer'"],
    [`${at(1)} Peer 5002 is choked by 5001.`, '[Time]: Peer [id1] is choked by [id2].', "the time is not followed by ': '"],
    ['Peer 5002 is choked by 5001.', '[Time]: Peer [id1] is choked by [id2].', 'no time before the sentence'],
    [`${at(1)}: Peer 5002 is choked by X.`, '[Time]: Peer [id1] is choked by [id2].', "'X' where the spec has [id2]"],
    [`${at(1)}: Peer 5002 is choked by 5001 5003.`, '[Time]: Peer [id1] is choked by [id2].', 'an extra number'],
    [`${at(1)}: Peer 5002 is choked by.`, '[Time]: Peer [id1] is choked by [id2].', 'missing [id2]'],
    [`${at(1)}: Peer 5002 is  choked by 5001.`, '[Time]: Peer [id1] is choked by [id2].', 'the spacing differs'],
  ])('%s', (line, form, differences) => expect(closestSentence(line)).toEqual({ form, differences }));

  test('lines that differ only in their numbers get the same answer', () => {
    expect(closestSentence(`${at(2)}: Peer 7 is choked by 8 9.`)).toEqual(closestSentence(`${at(1)}: Peer 5002 is choked by 5001 5003.`));
  });

  test.each([`${at(1)}: bitfield from 1: 3 pieces`, `${at(1)}: Peer 5002 sent a request for piece 4 to 5001.`])('no hint for a line that is no spec sentence at all: %s', (line) => {
    expect(closestSentence(line)).toBeUndefined();
  });
});

test('the checker\'s violation names the closest sentence and what differs', () => {
  const logs = correctRun().map((log) => (log.peerId === 5002 ? { ...log, lines: log.lines.map((line) => line.replace(/\.$/, '')) } : log));
  const first = checkLogs(logs).find((v) => v.rule === 'spec sentence');
  expect(first).toEqual({
    file: 'log_peer_5002.log',
    line: 1,
    rule: 'spec sentence',
    detail: `not one of the spec's sentences: ${at(0)}: Peer 5002 makes a connection to Peer 5001 — closest spec sentence: '[Time]: Peer [id1] makes a connection to Peer [id2].' — missing the final '.'`,
    shape: "missing the final '.'",
  });
});
