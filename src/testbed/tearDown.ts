import * as fs from 'fs';
import { deleteNamespace, listNamespaces } from './network.js';
import { stopSshd } from './sshd.js';
import { readState } from './state.js';
import { realSystem, type System } from './system.js';
import { TestbedError } from './TestbedError.js';

export interface TearDownReport {
  /** False when `stateDir` held no testbed: nothing was up, or it was already torn down. */
  found: boolean;
  /** The recorded sshds that were still running. */
  stoppedSshds: number;
  deletedNamespaces: string[];
}

/**
 * Undoes what the testbed in `stateDir` recorded making, and only that: its
 * sshds (by pid), its namespaces (which takes their veths and addresses with
 * them), then its state directory. Running it again finds nothing and does nothing.
 */
export async function tearDown(stateDir: string, system: System = realSystem): Promise<TearDownReport> {
  const state = readState(stateDir);
  if (!state) return { found: false, stoppedSshds: 0, deletedNamespaces: [] };
  let stoppedSshds = 0;
  for (const { pid, host } of state.made.sshds) if (await stopSshd(pid, state.files.stateDir, host)) stoppedSshds++;

  const existing = new Set(await listNamespaces(system));
  const deletedNamespaces: string[] = [];
  const failures: string[] = [];
  for (const namespace of [...state.made.namespaces].reverse().filter((name) => existing.has(name))) {
    try {
      await deleteNamespace(system, namespace);
      deletedNamespaces.push(namespace);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  if (failures.length > 0) {
    // The state stays, so `down` can be run again once the cause is fixed.
    throw new TestbedError(`down could not finish: ${failures.join('; ')} (the state stays in ${state.files.stateDir}: run down again)`, 'step');
  }
  fs.rmSync(state.files.stateDir, { recursive: true, force: true });
  return { found: true, stoppedSshds, deletedNamespaces };
}
