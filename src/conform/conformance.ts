import { byRateScenario } from './byRateScenario.js';
import { lateJoinerScenario } from './lateJoinerScenario.js';
import { judgeRuns } from './rules.js';
import { leecherScenario, removeWorkDir, seederScenario, type ScenarioOptions, type ScenarioOutcome } from './scenarios.js';
import type { RuleResult } from './Verdict.js';
import { twoSourcesScenario } from './twoSourcesScenario.js';

export type Conformance =
  | { kind: 'judged'; rules: RuleResult[]; outcomes: ScenarioOutcome[] }
  /** The peer never got onto the wire in this scenario: its output says why. */
  | { kind: 'not-started'; outcome: ScenarioOutcome };

/** Plays each scenario in turn against the command, then judges every rule over what they showed. */
export async function checkConformance(options: ScenarioOptions & { keepWorkDirs?: boolean }): Promise<Conformance> {
  const outcomes: ScenarioOutcome[] = [];
  try {
    for (const scenario of [leecherScenario, seederScenario, lateJoinerScenario, byRateScenario, twoSourcesScenario]) {
      const outcome = await scenario(options);
      outcomes.push(outcome);
      if (!outcome.started) return { kind: 'not-started', outcome };
    }
    return { kind: 'judged', rules: judgeRuns(outcomes.map((o) => o.run)), outcomes };
  } finally {
    if (!options.keepWorkDirs) outcomes.forEach(removeWorkDir);
  }
}

/** Why the peer did not get onto the wire, in words. */
export function notStartedReason(outcome: ScenarioOutcome, timeoutSeconds: number): string {
  const { end } = outcome.run;
  const ended = end.by === 'us' ? `no connection within ${timeoutSeconds}s` : `it ended (${end.signal ? `signal ${end.signal}` : `status ${end.code}`}) before any connection`;
  return `the peer did not start in the ${outcome.run.name} scenario (${outcome.spawnError ?? ended})`;
}
