import * as fs from 'fs';
import { listNamespaces } from './network.js';
import type { TestbedPlan } from './plan.js';
import { overlappingRoute, type Route } from './routes.js';
import { SSHD } from './sshd.js';
import { SystemCommandError, type System } from './system.js';
import { TestbedError } from './TestbedError.js';

/** What preflight learns from this process and the file system (given, so a test can play a machine without them). */
export interface MachineFacts {
  isRoot: boolean;
  hasSshd: boolean;
}

export function realFacts(): MachineFacts {
  return { isRoot: process.getuid?.() === 0, hasSshd: isExecutable(SSHD) };
}

/**
 * Everything `up` needs, checked before it makes anything: root, the tools,
 * a subnet this machine does not already route, and the namespace names free.
 */
export async function checkMachine(plan: TestbedPlan, system: System, facts: MachineFacts): Promise<void> {
  if (!facts.isRoot) throw new TestbedError('a testbed needs root (it makes network namespaces): run it as root, or with sudo', 'unavailable');
  await requireTool(system, 'ip', ['-V'], 'iproute2');
  if (plan.hosts.some((host) => host.rate !== undefined)) await requireTool(system, 'tc', ['-V'], 'iproute2');
  await requireTool(system, 'ssh', ['-V'], 'openssh-client');
  if (!facts.hasSshd) throw new TestbedError(`${SSHD} is missing: install Debian's openssh-server (apt-get install -y openssh-server)`, 'unavailable');

  const routes = JSON.parse((await system.run('ip', ['-4', '-j', 'route', 'show', 'table', 'all'])) || '[]') as Route[];
  const route = overlappingRoute(routes, plan.subnet);
  if (route !== undefined) throw new TestbedError(`--subnet ${plan.subnet} overlaps ${route}, which this machine already routes: choose another --subnet`, 'usage');

  const existing = new Set(await listNamespaces(system));
  const taken = [plan.switchNamespace, plan.controller.namespace, ...plan.hosts.map((host) => host.namespace)].filter((name) => existing.has(name));
  if (taken.length > 0) {
    throw new TestbedError(`namespace ${taken[0]} already exists: is testbed ${plan.tag} up? (swarmlab testbed down --tag ${plan.tag}, or choose another --tag)`, 'unavailable');
  }
}

async function requireTool(system: System, tool: string, versionArgs: string[], debianPackage: string): Promise<void> {
  try {
    await system.run(tool, versionArgs);
  } catch (error) {
    const missing = error instanceof SystemCommandError && error.code === 'ENOENT';
    throw new TestbedError(missing ? `${tool} is missing: install Debian's ${debianPackage}` : `${tool} does not run here: ${(error as Error).message}`, 'unavailable');
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
