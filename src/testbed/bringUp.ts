import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { knownHostsText, peerInfoText, sshConfigText } from './clientFiles.js';
import { addNamespace, addSwitch, limitRate, plugIn } from './network.js';
import { planTestbed, type PlanOptions } from './plan.js';
import { checkMachine, realFacts, type MachineFacts } from './preflight.js';
import { generateKey, startSshd } from './sshd.js';
import { defaultStateDir, filesIn, hostFiles, writeState, type TestbedState } from './state.js';
import { realSystem, type System } from './system.js';
import { tearDown } from './tearDown.js';
import { TestbedError } from './TestbedError.js';

export interface BringUpOptions extends PlanOptions {
  /** Where the keys, configs and state go; by default <tmp>/swarmlab-testbed-<tag>. It must not exist yet. */
  stateDir?: string;
  /** Once aborted (Ctrl-C), `up` stops before its next step and removes what it had made. */
  signal?: AbortSignal;
}

export interface TestbedDeps {
  system: System;
  facts: MachineFacts;
}

export const realDeps = (): TestbedDeps => ({ system: realSystem, facts: realFacts() });

/** The step of `up` that failed, and why; no reason when `up` was interrupted before it. */
class StepFailure extends Error {
  constructor(
    readonly step: string,
    readonly reason?: string,
  ) {
    super(`${step}: ${reason ?? 'interrupted'}`);
  }
}

/**
 * Brings a testbed up and returns its state (also in `files.state`). When a
 * step fails, what was made so far is torn down and the TestbedError names
 * the step and the system's reason.
 */
export async function bringUp(options: BringUpOptions, deps: TestbedDeps = realDeps()): Promise<TestbedState> {
  const plan = planTestbed(options);
  const files = filesIn(options.stateDir ?? defaultStateDir(plan.tag));
  // The paths go unquoted into sshd_config and the ssh config, where a space would split them.
  if (!/^[\w./-]+$/.test(files.stateDir)) throw new TestbedError(`--state-dir must be a path of letters, digits, '.', '_', '-' and '/', got '${files.stateDir}'`, 'usage');
  await checkMachine(plan, deps.system, deps.facts);
  claimStateDir(files.stateDir, plan.tag);

  const state: TestbedState = { ...plan, files, made: { namespaces: [], sshds: [] } };
  writeState(state);
  try {
    await build(state, deps.system, options.signal);
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    const undone = await tearDown(files.stateDir, deps.system).then(
      () => 'what it had made is removed',
      (undoError: Error) => `removing what it had made failed too: ${undoError.message}`,
    );
    if (error.reason === undefined) throw new TestbedError(`up was interrupted before step '${error.step}'; ${undone}`, 'interrupted');
    throw new TestbedError(`up failed at step '${error.step}': ${error.reason}; ${undone}`, 'step');
  }
  return state;
}

/** Makes the state directory, which must be new: it is how two `up`s with one tag keep apart. */
function claimStateDir(stateDir: string, tag: string): void {
  fs.mkdirSync(path.dirname(stateDir), { recursive: true });
  try {
    fs.mkdirSync(stateDir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new TestbedError(`cannot make ${stateDir}: ${(error as Error).message}`, 'unavailable');
    throw new TestbedError(`${stateDir} exists: is testbed ${tag} up? (swarmlab testbed down --tag ${tag}, or choose another --tag or --state-dir)`, 'unavailable');
  }
}

async function build(state: TestbedState, system: System, signal: AbortSignal | undefined): Promise<void> {
  const { files, hosts, controller } = state;
  const step = async (name: string, action: () => Promise<void> | void): Promise<void> => {
    if (signal?.aborted) throw new StepFailure(name);
    try {
      await action();
    } catch (error) {
      throw new StepFailure(name, error instanceof Error ? error.message : String(error));
    }
  };
  await step('make the user key', () => generateKey(system, files.userKey, `swarmlab-testbed-${state.tag}`));
  for (const namespace of [state.switchNamespace, controller.namespace, ...hosts.map((host) => host.namespace)]) {
    await step(`make namespace ${namespace}`, async () => {
      await addNamespace(system, namespace);
      state.made.namespaces.push(namespace);
      writeState(state);
    });
  }
  await step('make the switch', () => addSwitch(system, state.switchNamespace));
  for (const machine of [controller, ...hosts]) {
    await step(`plug ${machine.name} (${machine.address}) into the switch`, () => plugIn(system, state.switchNamespace, machine));
  }
  for (const host of hosts) {
    if (host.rate !== undefined) await step(`limit ${host.name} to ${host.rate} (a tbf qdisc)`, () => limitRate(system, host.namespace, host.rate!));
  }
  for (const host of hosts) {
    await step(`start sshd on ${host.name}`, async () => {
      const pid = await startSshd(system, host, files.stateDir, `${files.userKey}.pub`);
      state.made.sshds.push({ host: host.name, pid });
      writeState(state);
    });
  }
  await step('write the ssh config, known_hosts and PeerInfo.cfg', () => writeClientFiles(state));
}

function writeClientFiles(state: TestbedState): void {
  const { files, hosts } = state;
  const hostKeys = hosts.map((host) => ({ address: host.address, publicKey: fs.readFileSync(`${hostFiles(files.stateDir, host.name).hostKey}.pub`, 'utf8') }));
  fs.writeFileSync(files.knownHosts, knownHostsText(hostKeys));
  fs.writeFileSync(files.sshConfig, sshConfigText(hosts, files, os.userInfo().username, state.tag));
  fs.writeFileSync(files.peerInfo, peerInfoText(hosts, state.peerPort, state.tag));
}
