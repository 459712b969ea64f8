import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Clock } from '../../src/common/Clock.js';
import { openProtocolLog, protocolLogPath } from '../../src/log/ProtocolLogger.js';
import { parseLogLine } from '../../src/log/specSentences.js';
import { formatTimestamp } from '../../src/log/timestamp.js';

const fixedTime = new Date(2026, 10, 21, 10, 15, 4).getTime();
const clock: Clock = { now: () => fixedTime, every: () => () => {}, after: () => () => {} };

describe('ProtocolLogger', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-log-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('writes exactly the spec sentences, one line each, with date and seconds', async () => {
    const file = protocolLogPath(dir, 1002);
    expect(path.basename(file)).toBe('log_peer_1002.log');
    const { log, close } = openProtocolLog(1002, file, clock, false);
    log.makesConnectionTo(1001);
    log.isConnectedFrom(1003);
    log.preferredNeighbors([1003, 1004]);
    log.optimisticallyUnchokedNeighbor(1005);
    log.unchokedBy(1001);
    log.chokedBy(1001);
    log.receivedHave(1003, 17);
    log.receivedInterested(1004);
    log.receivedNotInterested(1004);
    log.downloadedPiece(17, 1001, 5);
    log.downloadedCompleteFile();
    await close();
    expect(fs.readFileSync(file, 'utf8')).toBe(
      [
        '2026-11-21 10:15:04: Peer 1002 makes a connection to Peer 1001.',
        '2026-11-21 10:15:04: Peer 1002 is connected from Peer 1003.',
        '2026-11-21 10:15:04: Peer 1002 has the preferred neighbors 1003,1004.',
        '2026-11-21 10:15:04: Peer 1002 has the optimistically unchoked neighbor 1005.',
        '2026-11-21 10:15:04: Peer 1002 is unchoked by 1001.',
        '2026-11-21 10:15:04: Peer 1002 is choked by 1001.',
        "2026-11-21 10:15:04: Peer 1002 received the 'have' message from 1003 for the piece 17.",
        "2026-11-21 10:15:04: Peer 1002 received the 'interested' message from 1004.",
        "2026-11-21 10:15:04: Peer 1002 received the 'not interested' message from 1004.",
        '2026-11-21 10:15:04: Peer 1002 has downloaded the piece 17 from 1001. Now the number of pieces it has is 5.',
        '2026-11-21 10:15:04: Peer 1002 has downloaded the complete file.',
        '',
      ].join('\n'),
    );
  });

  test('close() resolves only after every line is on disk', async () => {
    const file = protocolLogPath(dir, 7);
    const { log, close } = openProtocolLog(7, file, clock, false);
    for (let i = 0; i < 2000; i++) log.receivedHave(8, i);
    await close();
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(2000);
    expect(lines[1999]).toBe("2026-11-21 10:15:04: Peer 7 received the 'have' message from 8 for the piece 1999.");
  });
});

describe('formatTimestamp', () => {
  test('pads every field to two digits', () => {
    expect(formatTimestamp(new Date(2026, 0, 2, 3, 4, 5).getTime())).toBe('2026-01-02 03:04:05');
  });
});

describe('parseLogLine', () => {
  test.each([
    ['2026-11-21 10:15:04: Peer 1002 makes a connection to Peer 1001.', { kind: 'makesConnection', peer: 1002, other: 1001 }],
    ['2026-11-21 10:15:04: Peer 1001 is connected from Peer 1002.', { kind: 'connectedFrom', peer: 1001, other: 1002 }],
    ['12:00:01: Peer 1 has the preferred neighbors 2, 3.', { kind: 'preferredNeighbors', peer: 1, neighbours: [2, 3] }],
    ['x: Peer 1 has the optimistically unchoked neighbor 4.', { kind: 'optimisticNeighbor', peer: 1, other: 4 }],
    ['x: Peer 1 is unchoked by 2.', { kind: 'unchokedBy', peer: 1, other: 2 }],
    ['x: Peer 1 is choked by 2.', { kind: 'chokedBy', peer: 1, other: 2 }],
    ["x: Peer 1 received the 'have' message from 2 for the piece 9.", { kind: 'receivedHave', peer: 1, other: 2, index: 9 }],
    ["x: Peer 1 received the 'interested' message from 2.", { kind: 'receivedInterested', peer: 1, other: 2 }],
    ["x: Peer 1 received the 'not interested' message from 2.", { kind: 'receivedNotInterested', peer: 1, other: 2 }],
    [
      'Sat Nov 21 10:15:04 2026: Peer 1 has downloaded the piece 3 from 2. Now the number of pieces it has is 4.',
      { kind: 'downloadedPiece', peer: 1, index: 3, other: 2, count: 4 },
    ],
    ['x: Peer 1 has downloaded the complete file.', { kind: 'completeFile', peer: 1 }],
  ])('%s', (line, event) => {
    expect(parseLogLine(line)?.event).toEqual(event);
  });

  test.each([
    'Peer 1 makes a connection to Peer 2.',
    'x: Peer 1 makes a connection to 2.',
    'x: Peer 1 is unchoked by Peer 2.',
    'x: Peer 1 has the preferred neighbors .',
    'x: Peer 1 received the interested message from 2.',
    'x: Peer 1 has downloaded the piece 3 from 2.',
    'x: bitfield from 2: 3 pieces',
  ])('rejects %s', (line) => {
    expect(parseLogLine(line)).toBeUndefined();
  });
});
