import { checkLogs, type PeerLog, type RunFacts } from '../../src/logcheck/checkLogs.js';

const T = (second: number) => `2026-11-21 10:00:${String(second).padStart(2, '0')}`;

/** A tiny, correct run: 1 seeds 3 pieces, 2 downloads them. */
function goodRun(): PeerLog[] {
  return [
    {
      peerId: 1,
      file: 'log_peer_1.log',
      lines: [`${T(0)}: Peer 1 is connected from Peer 2.`, `${T(0)}: Peer 1 received the 'interested' message from 2.`, `${T(0)}: Peer 1 has the preferred neighbors 2.`],
    },
    {
      peerId: 2,
      file: 'log_peer_2.log',
      lines: [
        `${T(0)}: Peer 2 makes a connection to Peer 1.`,
        `${T(0)}: Peer 2 is unchoked by 1.`,
        `${T(1)}: Peer 2 has downloaded the piece 2 from 1. Now the number of pieces it has is 1.`,
        `${T(1)}: Peer 2 has downloaded the piece 0 from 1. Now the number of pieces it has is 2.`,
        `${T(2)}: Peer 2 has downloaded the piece 1 from 1. Now the number of pieces it has is 3.`,
        `${T(2)}: Peer 2 has downloaded the complete file.`,
      ],
    },
  ];
}

const facts: RunFacts = { pieceCount: 3, k: 1, peers: [{ peerId: 1, hasFile: true }, { peerId: 2, hasFile: false }] };

function withLines(peerId: number, edit: (lines: string[]) => string[]): PeerLog[] {
  return goodRun().map((log) => (log.peerId === peerId ? { ...log, lines: edit([...log.lines]) } : log));
}

describe('checkLogs', () => {
  test('a correct run has no violations, with or without the config', () => {
    expect(checkLogs(goodRun(), facts)).toEqual([]);
    expect(checkLogs(goodRun())).toEqual([]);
  });

  test.each<[string, PeerLog[], RegExp]>([
    ['a line that is not a spec sentence', withLines(2, (l) => [...l, `${T(3)}: bitfield from 1: 3 pieces`]), /spec sentence: not one of the spec's sentences/],
    ['a sentence about another peer', withLines(2, (l) => [...l, `${T(3)}: Peer 7 is choked by 1.`]), /own peer: a sentence about peer 7/],
    ['a count that does not rise by one', withLines(2, (l) => l.map((x) => x.replace('it has is 2.', 'it has is 5.'))), /count rises by one: count 5 after 1/],
    ['a piece downloaded twice', withLines(2, (l) => l.map((x) => x.replace('the piece 1 from', 'the piece 2 from'))), /no piece twice: piece 2 downloaded again/],
    ['a count that ends short', withLines(2, (l) => l.filter((x) => !x.includes('piece 1 from'))), /complete file last: complete file logged at count 2 of 3/],
    ['no complete-file line', withLines(2, (l) => l.filter((x) => !x.includes('complete file'))), /complete file once: no "has downloaded the complete file"/],
    ['a complete-file line twice', withLines(2, (l) => [...l, `${T(3)}: Peer 2 has downloaded the complete file.`]), /complete file once: .*again/],
    ['a seeder that downloads', withLines(1, (l) => [...l, `${T(3)}: Peer 1 has downloaded the complete file.`]), /seeder: a peer that started with the file/],
    ['a missing connection line', withLines(2, (l) => l.filter((x) => !x.includes('makes a connection'))), /connections: no "makes a connection to Peer 1"/],
  ])('%s', (_name, logs, expected) => {
    const found = checkLogs(logs, facts).map((v) => `${v.rule}: ${v.detail}`);
    expect(found).toContainEqual(expect.stringMatching(expected));
  });

  test('more than k+1 neighbours unchoked for a while is reported; a passing moment is not', () => {
    const peers = [1, 2, 3, 4].map((peerId) => ({ peerId, hasFile: peerId === 1 }));
    const unchokedBy1 = (peerId: number, from: number, choked?: number): PeerLog => ({
      peerId,
      file: `log_peer_${peerId}.log`,
      lines: [`${T(from)}: Peer ${peerId} is unchoked by 1.`, ...(choked !== undefined ? [`${T(choked)}: Peer ${peerId} is choked by 1.`] : []), `${T(9)}: Peer ${peerId} received the 'interested' message from 1.`],
    });
    const seeder: PeerLog = { peerId: 1, file: 'log_peer_1.log', lines: [] };
    // k=1: at most 2 unchoked. Three at once for one second (a swap logged a moment apart) is tolerated...
    const brief = checkLogs([seeder, unchokedBy1(2, 1), unchokedBy1(3, 1), unchokedBy1(4, 2, 3)], { k: 1, peers });
    expect(brief.filter((v) => v.rule === 'at most k+1 unchoked')).toEqual([]);
    // ...three for seconds on end is not.
    const lasting = checkLogs([seeder, unchokedBy1(2, 1), unchokedBy1(3, 1), unchokedBy1(4, 1)], { k: 1, peers });
    expect(lasting.filter((v) => v.rule === 'at most k+1 unchoked').map((v) => v.detail)).toEqual([expect.stringMatching(/peer 1 had more than k\+1 = 2/)]);
  });

  test('a reconnection ends what the lost connection had unchoked, though no choke was logged (a crash and restart)', () => {
    const peers = [1, 2, 3, 4].map((peerId) => ({ peerId, hasFile: peerId === 1 }));
    const seeder: PeerLog = { peerId: 1, file: 'log_peer_1.log', lines: [] };
    const unchokedBy1 = (peerId: number): PeerLog => ({ peerId, file: `log_peer_${peerId}.log`, lines: [`${T(1)}: Peer ${peerId} is unchoked by 1.`, `${T(9)}: Peer ${peerId} received the 'interested' message from 1.`] });
    // Peer 4 was unchoked, was killed, and came back at second 2 on a fresh connection, still choked.
    const restarted: PeerLog = {
      peerId: 4,
      file: 'log_peer_4.log',
      lines: [`${T(1)}: Peer 4 is unchoked by 1.`, `${T(2)}: Peer 4 makes a connection to Peer 1.`, `${T(9)}: Peer 4 received the 'interested' message from 1.`],
    };
    const found = checkLogs([seeder, unchokedBy1(2), unchokedBy1(3), restarted], { k: 1, peers });
    expect(found.filter((v) => v.rule === 'at most k+1 unchoked')).toEqual([]);
  });

  test('other implementations\' time formats are accepted for the sentences', () => {
    const logs: PeerLog[] = [{ peerId: 5, file: 'log_peer_5.log', lines: ['[Sat Nov 21 10:00:01 2026]: Peer 5 is choked by 6.'] }];
    expect(checkLogs(logs)).toEqual([]);
  });
});
