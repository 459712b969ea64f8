/**
 * Why a testbed command could not do its work, in one line for the user:
 * `usage` a bad option (the command line must change), `unavailable` this
 * machine cannot host a testbed as asked (not root, a tool missing, the tag in
 * use), `step` the system refused a step of `up` (what was made is torn down),
 * `interrupted` a signal stopped `up` between steps (what was made is torn down too).
 */
export type TestbedFailure = 'usage' | 'unavailable' | 'step' | 'interrupted';

export class TestbedError extends Error {
  constructor(
    message: string,
    readonly failure: TestbedFailure,
  ) {
    super(message);
  }
}
