import { spawn } from 'child_process';
import * as os from 'os';
import type { TestbedState } from './state.js';

/**
 * Runs `command` inside the testbed's controller namespace (the front
 * machine), with this terminal, and resolves with its exit code (128 + the
 * signal's number when a signal ended it, as a shell reports it). Until it
 * ends, SIGINT and SIGTERM are its to handle: a Ctrl-C reaches it from the
 * terminal, a SIGTERM sent to us is passed on, and we wait for its own exit.
 */
export function execInController(state: TestbedState, command: readonly string[]): Promise<number> {
  const child = spawn('ip', ['netns', 'exec', state.controller.namespace, ...command], { stdio: 'inherit' });
  const passOn = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', noop).on('SIGTERM', passOn);
  return new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
  }).finally(() => process.off('SIGINT', noop).off('SIGTERM', passOn));
}

/** The command gets the terminal's Ctrl-C itself; ours is ignored so we can report its exit. */
function noop(): void {}
