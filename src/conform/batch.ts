import { checkConformance, notStartedReason, type Conformance } from './conformance.js';
import type { ScenarioOptions } from './scenarios.js';
import type { Submission } from './submissions.js';
import type { SubmissionResult } from './SubmissionResult.js';

/** Lines of a submission's output shown when it cannot start. */
const OUTPUT_LINES_SHOWN = 5;

export interface BatchOptions {
  timeoutMs: number;
  keepWorkDirs: boolean;
  /** Told each scenario's kept directory. */
  onKept?: (submission: string, scenario: string, workDir: string) => void;
}

type Check = (options: ScenarioOptions & { keepWorkDirs?: boolean }) => Promise<Conformance>;

/** Every submission in turn, one after the other (the scenarios' timings need the machine). */
export async function runBatch(submissions: readonly Submission[], options: BatchOptions, check: Check = checkConformance): Promise<SubmissionResult[]> {
  const results: SubmissionResult[] = [];
  for (const { name, command } of submissions) {
    if (!Array.isArray(command)) {
      results.push({ name, started: false, why: 'its run file cannot be used', output: [command.error] });
      continue;
    }
    const result = await check({ command, timeoutMs: options.timeoutMs, keepWorkDirs: options.keepWorkDirs });
    const outcomes = result.kind === 'judged' ? result.outcomes : [result.outcome];
    if (options.keepWorkDirs) for (const outcome of outcomes) options.onKept?.(name, outcome.run.name, outcome.workDir);
    if (result.kind === 'judged') results.push({ name, started: true, rules: result.rules });
    else results.push({ name, started: false, why: notStartedReason(result.outcome, options.timeoutMs / 1000), output: result.outcome.output.slice(-OUTPUT_LINES_SHOWN) });
  }
  return results;
}

/** Whether a batch is clean: every submission started and failed no rule. */
export function batchPasses(results: readonly SubmissionResult[]): boolean {
  return results.every((r) => r.started && r.rules.every((rule) => rule.verdict !== 'fail'));
}
