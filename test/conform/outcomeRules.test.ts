import { exitByItself, logFilePlace, logSentences } from '../../src/conform/outcomeRules.js';
import { leecherRun, seederRun } from './recordings.js';

describe('exit.by-itself', () => {
  test('status 0 after every peer had the file passes', () => {
    expect(exitByItself(leecherRun())).toEqual({ verdict: 'pass', evidence: ['exited with status 0 at +20ms, 10ms after every peer had the file'] });
  });

  test('stopped by us, gone too early, or a failure status: each fails', () => {
    expect(exitByItself(leecherRun({ end: { by: 'us', atMs: 60_000 } })).evidence).toEqual(['still running when stopped at +60000ms (every peer had the file at +10ms)']);
    expect(exitByItself(leecherRun({ end: { by: 'itself', atMs: 5, code: 0, signal: null } })).evidence).toEqual(['exited (status 0) at +5ms, before every peer had the file']);
    expect(exitByItself(leecherRun({ allCompleteAtMs: undefined })).verdict).toBe('fail');
    expect(exitByItself(leecherRun({ end: { by: 'itself', atMs: 20, code: 1, signal: null } })).evidence).toEqual(['exited with status 1 at +20ms']);
  });
});

describe('log.file-place', () => {
  test('the spec place passes; elsewhere or nowhere fails, saying where', () => {
    expect(logFilePlace(leecherRun()).verdict).toBe('pass');
    const misplaced = leecherRun({ log: { relativePath: 'logs/log_peer_1002.log', lines: [] } });
    expect(logFilePlace(misplaced)).toEqual({ verdict: 'fail', evidence: ['found at logs/log_peer_1002.log, not at ./log_peer_1002.log'] });
    expect(logFilePlace(leecherRun({ log: undefined })).evidence).toEqual(['no log_peer_1002.log in the working directory, nor anywhere under it']);
  });
});

describe('log.sentences', () => {
  test("a log of the spec's sentences passes, for a leecher and for a seeder", () => {
    expect(logSentences(leecherRun()).verdict).toBe('pass');
    expect(logSentences(seederRun()).verdict).toBe('pass');
  });

  test('a line off the spec fails with file:line and the closest sentence (src/logcheck)', () => {
    const run = leecherRun();
    const lines = [...run.log!.lines];
    lines[1] = '2026-12-02 01:00:00: Peer 1002 is unchoked by Peer 1001.';
    const judged = logSentences({ ...run, log: { relativePath: 'log_peer_1002.log', lines } });
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toMatch(/^log_peer_1002\.log:2 spec sentence: not one of the spec's sentences: .*is unchoked by Peer 1001\. — closest spec sentence/);
  });

  test('what one log shows of the run is checked too: a leecher that never logs the complete file fails', () => {
    const run = leecherRun();
    const judged = logSentences({ ...run, log: { relativePath: 'log_peer_1002.log', lines: run.log!.lines.slice(0, 5) } });
    expect(judged.evidence).toContain('log_peer_1002.log complete file once: no "has downloaded the complete file"');
  });

  test('no log: not shown (log.file-place fails it)', () => {
    expect(logSentences(leecherRun({ log: undefined })).verdict).toBe('not-shown');
  });
});
