import { spawn } from 'child_process';
import * as os from 'os';
import type { TestbedState } from './state.js';

/**
 * Runs `command` inside the testbed's controller namespace (the front
 * machine), with this terminal, and resolves with its exit code (128 + the
 * signal's number when a signal ended it, as a shell reports it).
 */
export function execInController(state: TestbedState, command: readonly string[]): Promise<number> {
  const child = spawn('ip', ['netns', 'exec', state.controller.namespace, ...command], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
  });
}
