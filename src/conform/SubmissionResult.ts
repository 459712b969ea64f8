import type { RuleResult } from './Verdict.js';

/** One submission of a batch: its verdicts, or why it did not start. */
export type SubmissionResult =
  | { name: string; started: true; rules: RuleResult[] }
  /** `output`: its last lines (or the `run` file's problem). */
  | { name: string; started: false; why: string; output: string[] };
