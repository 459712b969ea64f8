import { checkLogs, type PeerLog } from '../../src/logcheck/checkLogs.js';
import { duration } from '../../src/logcheck/logTimes.js';
import { parseLogTime } from '../../src/log/logTime.js';
import { at, correctRun } from './runFixture.js';

const TIME_RULES = ['time', 'time order', 'time jump', 'times of one run'];

/** The time rules' violations, as "file:line rule: detail". */
function timeViolations(logs: PeerLog[]): string[] {
  return checkLogs(logs)
    .filter((v) => TIME_RULES.includes(v.rule))
    .map((v) => `${v.file}:${v.line} ${v.rule}: ${v.detail}`);
}

/** The correct run with peer 5002's line `line` (1-based) given by `edit`. */
function editLine(line: number, edit: (text: string) => string): PeerLog[] {
  return correctRun().map((log) => (log.peerId === 5002 ? { ...log, lines: log.lines.map((text, i) => (i + 1 === line ? edit(text) : text)) } : log));
}

/** The correct run with every time of `peerId`'s log rewritten. */
function retimed(peerId: number, time: (text: string) => string): PeerLog[] {
  return correctRun().map((log) => (log.peerId === peerId ? { ...log, lines: log.lines.map((text) => text.replace(/^[^P]*(?=: Peer)/, time)) } : log));
}

describe('times in the logs', () => {
  test('the correct run passes', () => expect(timeViolations(correctRun())).toEqual([]));

  test('a time that cannot be read is reported, with its line', () => {
    expect(timeViolations(editLine(3, () => 'xx: Peer 5002 is unchoked by 5001.'))).toEqual([
      "log_peer_5002.log:3 time: cannot read the time 'xx': the spec asks for the date, hours, minutes and seconds",
    ]);
  });

  test('a line moved back an hour is the one reported, not the lines after it', () => {
    expect(timeViolations(editLine(5, (text) => text.replace('10:00:02', '09:00:02')))).toEqual([
      `log_peer_5002.log:5 time order: the time 2026-11-21 09:00:02 is out of place, 59 min 59 s before the lines around it (line 4: ${at(1)}; line 6: ${at(3)})`,
    ]);
  });

  test('a line dated a year ahead is out of place; as the last line, it is a jump ahead', () => {
    expect(timeViolations(editLine(5, (text) => text.replace('2026-', '2027-')))).toEqual([
      `log_peer_5002.log:5 time order: the time 2027-11-21 10:00:02 is out of place, 365 days after the lines around it (line 4: ${at(1)}; line 6: ${at(3)})`,
    ]);
    expect(timeViolations(editLine(7, (text) => text.replace('2026-', '2027-')))).toEqual([
      `log_peer_5002.log:7 time jump: the time jumps 365 days ahead, to 2027-11-21 10:00:03 after ${at(3)} on line 6`,
    ]);
  });

  test('a log whose times go back from one line on: the step back, with the time before it', () => {
    const logs = correctRun().map((log) => (log.peerId === 5002 ? { ...log, lines: log.lines.map((text, i) => (i >= 4 ? text.replace('10:00:', '09:59:') : text)) } : log));
    expect(timeViolations(logs)).toEqual([`log_peer_5002.log:5 time order: the time goes back 59 s, to 2026-11-21 09:59:02 after ${at(1)} on line 4`]);
  });

  test('a whole log a year ahead of the others is reported once, at its first line', () => {
    expect(timeViolations(retimed(5003, (time) => time.replace('2026-', '2027-')))).toEqual([
      `log_peer_5003.log:1 times of one run: its times (2027-11-21 10:00:00 to 2027-11-21 10:00:03) are 365 days after the other logs' (${at(0)} to ${at(4)}): a clock or date off, or another run's log?`,
    ]);
  });

  test('other implementations\' time formats pass, each log in its own', () => {
    const formats: ((text: string) => string)[] = [
      (time) => `[${time.replace(' ', 'T')}.123456]`, // Java's LocalDateTime, bracketed
      (time) => time.replace(/^2026-11-21 (.*)$/, 'Sat Nov 21 $1 CET 2026'), // Java's Date in a zone Date.parse does not name
      (time) => time.replace(/^2026-11-21/, '21/11/2026'), // day first
    ];
    formats.forEach((format, i) => expect(timeViolations(retimed(5001 + i, format))).toEqual([]));
  });

  test('a time-of-day log that passes midnight goes on the next day; time-of-day and dated logs are not compared', () => {
    const lateNight = retimed(5002, (time) => time.replace(/^2026-11-21 10:00:0([0-3])$/, (_, s) => (Number(s) < 2 ? `23:59:5${8 + Number(s)}` : `00:00:0${s}`)));
    expect(timeViolations(lateNight)).toEqual([]);
  });
});

describe('parseLogTime, the formats added', () => {
  test.each([
    ['21/11/2026 10:15:04', Date.parse('2026-11-21T10:15:04')],
    ['21.11.2026 10:15:04,250', Date.parse('2026-11-21T10:15:04.250')],
    ['Sat Nov 21 10:15:04 CEST 2026', Date.parse('2026-11-21T10:15:04')],
    ['2026-11-21T10:15:04.123456789', Date.parse('2026-11-21T10:15:04.123')],
    ['10:15:04.123456', ((10 * 60 + 15) * 60 + 4) * 1000 + 123],
    ['11/05/2026 10:15:04', Date.parse('2026-11-05T10:15:04')], // month first, as Date.parse reads it
  ])('%s', (text, ms) => expect(parseLogTime(text)).toBe(ms));

  test.each(['25:15:04', '2026-11-21 25:15:04', '32/11/2026 10:15:04'])('%s is not a time: NaN', (text) => expect(parseLogTime(text)).toBeNaN());
});

test.each<[number, string]>([
  [365 * 86400, '365 days'],
  [3600, '1 h'],
  [2 * 3600 + 300, '2 h 5 min'],
  [59, '59 s'],
  [0.25, '0.25 s'],
  [125, '2 min 5 s'],
])('duration %d s', (seconds, text) => expect(duration(seconds)).toBe(text));
