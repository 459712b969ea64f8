import { checkLogs, type PeerLog } from '../../src/logcheck/checkLogs.js';

/** 2026-11-21 10:00:<seconds>, with milliseconds. */
const at = (seconds: number) => `2026-11-21 10:00:${seconds.toFixed(3).padStart(6, '0')}`;

/** A peer's log from [seconds, sentence after "Peer <id> "] pairs; `time` writes the times. */
function log(peerId: number, entries: [number, string][], time: (seconds: number) => string = at): PeerLog {
  return { peerId, file: `log_peer_${peerId}.log`, lines: entries.map(([s, sentence]) => `${time(s)}: Peer ${peerId} ${sentence}`) };
}

const interested = (from: number): string => `received the 'interested' message from ${from}.`;
const notInterested = (from: number): string => `received the 'not interested' message from ${from}.`;

const lastLine: [number, string] = [59, "received the 'have' message from 4 for the piece 0."];

/** Seeder 1, connected from 2, 3 and 4, all interested, then `choices` from second 1 on, and a last line at 59 s. */
function seeder(choices: [number, string][], time?: (seconds: number) => string): PeerLog {
  const opening: [number, string][] = [2, 3, 4].flatMap((id): [number, string][] => [
    [0, `is connected from Peer ${id}.`],
    [0, interested(id)],
  ]);
  return log(1, [...opening, ...choices, lastLine], time);
}

/** A leecher that dials 1 and then logs `received` ("unchoked" or "choked", by 1) at the given seconds. */
function leecher(peerId: number, received: [number, 'unchoked' | 'choked'][], time?: (seconds: number) => string): PeerLog {
  return log(peerId, [[0, 'makes a connection to Peer 1.'], ...received.map(([s, what]): [number, string] => [s, `is ${what} by 1.`])], time);
}

/** The violations of the two rules, as "file:line rule: detail". */
function matching(logs: PeerLog[]): string[] {
  return checkLogs(logs)
    .filter((v) => v.rule.endsWith('matches sender'))
    .map((v) => `${v.file}:${v.line} ${v.rule}: ${v.detail}`);
}

describe('a choke or unchoke received matches the sender\'s preferred and optimistic choices', () => {
  test('preferred and optimistic unchokes and the later chokes of a correct run pass', () => {
    const logs = [
      seeder([
        [1, 'has the preferred neighbors 2, 3.'], // ids with a space after the comma
        [1, 'has the optimistically unchoked neighbor 4.'],
        [6, 'has the preferred neighbors 3,4.'], // 2 dropped; 4 preferred now, unchoked already
        [16, 'has the optimistically unchoked neighbor 2.'],
        [21, notInterested(3)], // 3 has it all: choked, the set left as it was
        [31, 'has the optimistically unchoked neighbor 3.'], // 2 dropped again
      ]),
      leecher(2, [[1, 'unchoked'], [6, 'choked'], [16, 'unchoked'], [31, 'choked']]),
      leecher(3, [[1, 'unchoked'], [21, 'choked'], [31, 'unchoked']]),
      leecher(4, [[1, 'unchoked']]),
    ];
    expect(matching(logs)).toEqual([]);
  });

  test('an unchoke from a peer that never chose the receiver is reported, with file and line', () => {
    const logs = [
      seeder([
        [1, 'has the preferred neighbors 3.'],
        [2, 'has the optimistically unchoked neighbor 4.'],
      ]),
      leecher(2, [[10, 'unchoked']]),
    ];
    expect(matching(logs)).toEqual([
      `log_peer_2.log:2 unchoke matches sender: peer 2 logged being unchoked by 1 at ${at(10)}, but 1's choices around then (preferred 3 since line 7; optimistic 4 since line 8) did not include 2`,
    ]);
  });

  test('a choke while the receiver was preferred and interested throughout is reported', () => {
    const logs = [seeder([[1, 'has the preferred neighbors 2,3.']]), leecher(2, [[1, 'unchoked'], [10, 'choked']])];
    expect(matching(logs)).toEqual([
      `log_peer_2.log:3 choke matches sender: peer 2 logged being choked by 1 at ${at(10)}, but 1 had chosen 2 without a break from its line 7 until 2 s after (preferred 2,3 since line 7; no optimistic neighbor), and its log shows 2 interested all along and no new connection with it`,
    ]);
  });

  test('the window is the tolerance either side, bounds included', () => {
    const logs = [
      seeder([[5, 'has the preferred neighbors 2,3.'], [9, 'has the preferred neighbors 3,4.']]),
      leecher(2, [[3, 'unchoked'], [11, 'choked']]), // 2 s before the choice, 2 s after the drop
      leecher(3, [[2.999, 'unchoked']]), // just over 2 s before
    ];
    expect(matching(logs)).toEqual([expect.stringMatching(/^log_peer_3\.log:2 unchoke matches sender: .*, but 1's choices around then \(nothing chosen yet\) did not include 3$/)]);
  });

  test.each<[string, PeerLog[]]>([
    [
      'a choke after the receiver said not interested, with no new set logged',
      [seeder([[1, 'has the preferred neighbors 2,3.'], [9, notInterested(2)]]), leecher(2, [[1, 'unchoked'], [9, 'choked']])],
    ],
    [
      'chokes after the preferred set became empty, which no line says, and a later unchoke',
      [
        seeder([[1, 'has the preferred neighbors 2,3.'], [9, notInterested(2)], [9, notInterested(3)], [12, interested(2)], [12, 'has the preferred neighbors 2.']]),
        leecher(2, [[1, 'unchoked'], [9, 'choked'], [12, 'unchoked']]),
        leecher(3, [[1, 'unchoked'], [9, 'choked']]),
      ],
    ],
    [
      'an unchoke logged slightly before the sender\'s choice line, and a choke before the line that drops the receiver',
      [seeder([[5.1, 'has the preferred neighbors 2.'], [9.1, 'has the preferred neighbors 3.']]), leecher(2, [[4.9, 'unchoked'], [8.9, 'choked']])],
    ],
    [
      'a choke after the connection was made anew (a restarted peer)',
      [seeder([[1, 'has the preferred neighbors 2.'], [8, 'is connected from Peer 2.']]), leecher(2, [[1, 'unchoked'], [9, 'choked']])],
    ],
    [
      'an optimistic neighbour that never said interested, choked',
      [log(1, [[0, 'is connected from Peer 2.'], [1, 'has the optimistically unchoked neighbor 2.'], lastLine]), leecher(2, [[1, 'unchoked'], [9, 'choked']])],
    ],
    ['the sender\'s log missing', [leecher(2, [[1, 'unchoked'], [9, 'choked']])]],
    [
      'the sender\'s log ending before the line (a killed peer loses its last lines)',
      [log(1, [[0, 'is connected from Peer 2.'], [0, interested(2)], [1, 'has the preferred neighbors 3.']]), leecher(2, [[1.05, 'unchoked']])],
    ],
    [
      'the sender\'s log going on with a restart after the line',
      [seeder([[1, 'has the preferred neighbors 3.'], [5, 'is connected from Peer 3.']]), leecher(2, [[1.05, 'unchoked']])],
    ],
    [
      'the sender\'s log starting after the line (a restarted seeder starts its log afresh)',
      [log(1, [[5, 'is connected from Peer 2.'], [5, interested(2)], [5, 'has the preferred neighbors 3.'], lastLine]), leecher(2, [[1, 'unchoked'], [30, 'choked']])],
    ],
    ['unreadable times', [seeder([[1, 'has the preferred neighbors 3.']], (s) => `t+${s}s`), leecher(2, [[10, 'unchoked']], (s) => `t+${s}s`)]],
    ['one log\'s times unreadable', [seeder([[1, 'has the preferred neighbors 3.']]), leecher(2, [[10, 'unchoked']], (s) => `t+${s}s`)]],
    [
      'a time-only log against a dated one, not one clock',
      [seeder([[1, 'has the preferred neighbors 3.']], (s) => `10:00:${String(s).padStart(2, '0')}`), leecher(2, [[10, 'unchoked']])],
    ],
  ])('not reported: %s', (_name, logs) => {
    expect(matching(logs)).toEqual([]);
  });
});
