import { RULES, judgeRuns } from '../../src/conform/rules.js';
import { combine, judge } from '../../src/conform/Verdict.js';
import { byRateRun, lateJoinerRun, leecherRun, seederRun, twoSourcesRun } from './recordings.js';

describe('judging scenario runs', () => {
  test('a right run of each scenario: together they pass every rule', () => {
    const results = judgeRuns([leecherRun(), seederRun(), lateJoinerRun(), byRateRun(), twoSourcesRun()]);
    expect(results.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    expect(results.filter((r) => r.verdict !== 'pass')).toEqual([]);
  });

  test("a leecher-only rule is not judged on the seeder run: a seeder's untouched file is not a finished download", () => {
    const [file] = judgeRuns([seederRun({ peerFile: undefined })]).filter((r) => r.id === 'file.complete-and-identical');
    expect(file.verdict).toBe('not-shown');
  });

  test('a rule fails when any scenario fails it; its evidence is labelled by scenario', () => {
    const results = judgeRuns([leecherRun({ peerFile: undefined }), seederRun()]);
    expect(results.find((r) => r.id === 'file.complete-and-identical')).toEqual({
      id: 'file.complete-and-identical',
      verdict: 'fail',
      evidence: ['[leecher] no peer_1002/conform.dat after the run'],
    });
  });

  test('judge: failures first; long evidence is cut to five lines and a count', () => {
    const failures = ['1', '2', '3', '4', '5', '6', '7'];
    expect(judge(failures, ['ok'], 'unseen')).toEqual({ verdict: 'fail', evidence: ['1', '2', '3', '4', '5', '… and 2 more'] });
    expect(judge([], ['ok'], 'unseen')).toEqual({ verdict: 'pass', evidence: ['ok'] });
    expect(judge([], [], 'unseen')).toEqual({ verdict: 'not-shown', evidence: ['unseen'] });
  });

  test('combine: pass over not-shown, fail over pass', () => {
    const pass = { verdict: 'pass' as const, evidence: ['seen'] };
    const notShown = { verdict: 'not-shown' as const, evidence: ['not seen'] };
    expect(combine('x', [{ scenario: 'a', judgement: notShown }, { scenario: 'b', judgement: pass }])).toEqual({ id: 'x', verdict: 'pass', evidence: ['[b] seen'] });
    expect(combine('x', [{ scenario: 'a', judgement: notShown }])).toEqual({ id: 'x', verdict: 'not-shown', evidence: ['[a] not seen'] });
    expect(combine('x', [])).toEqual({ id: 'x', verdict: 'not-shown', evidence: [] });
    const fail = { verdict: 'fail' as const, evidence: ['broken'] };
    expect(combine('x', [{ scenario: 'a', judgement: pass }, { scenario: 'b', judgement: fail }])).toEqual({ id: 'x', verdict: 'fail', evidence: ['[b] broken'] });
  });
});
