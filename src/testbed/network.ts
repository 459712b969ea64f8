import type { TestbedMachine } from './plan.js';
import type { System } from './system.js';

/** The lab switch: a bridge in its own namespace. */
const BRIDGE = 'br0';
/** Each machine's end of its veth pair, inside its own namespace. */
const MACHINE_LINK = 'eth0';

export async function addNamespace(system: System, namespace: string): Promise<void> {
  await system.run('ip', ['netns', 'add', namespace]);
}

export async function deleteNamespace(system: System, namespace: string): Promise<void> {
  await system.run('ip', ['netns', 'delete', namespace]);
}

export async function listNamespaces(system: System): Promise<string[]> {
  const text = (await system.run('ip', ['-j', 'netns', 'list'])).trim();
  return text === '' ? [] : (JSON.parse(text) as { name: string }[]).map((entry) => entry.name);
}

export async function addSwitch(system: System, switchNamespace: string): Promise<void> {
  await system.run('ip', ['-n', switchNamespace, 'link', 'add', BRIDGE, 'type', 'bridge']);
  await system.run('ip', ['-n', switchNamespace, 'link', 'set', BRIDGE, 'up']);
}

/**
 * Plugs a machine's namespace into the switch: a veth pair made inside the
 * switch's namespace (so no link ever appears in this machine's own), one end
 * moved into the machine's namespace with its address.
 */
export async function plugIn(system: System, switchNamespace: string, machine: TestbedMachine): Promise<void> {
  const inSwitch = (...args: string[]) => system.run('ip', ['-n', switchNamespace, ...args]);
  const inMachine = (...args: string[]) => system.run('ip', ['-n', machine.namespace, ...args]);
  await inSwitch('link', 'add', machine.switchPort, 'type', 'veth', 'peer', 'name', MACHINE_LINK, 'netns', machine.namespace);
  await inSwitch('link', 'set', machine.switchPort, 'master', BRIDGE);
  await inSwitch('link', 'set', machine.switchPort, 'up');
  await inMachine('link', 'set', 'lo', 'up');
  await inMachine('addr', 'add', `${machine.address}/24`, 'dev', MACHINE_LINK);
  await inMachine('link', 'set', MACHINE_LINK, 'up');
}

/** Limits what a machine sends to `rate` (a token bucket: this kernel has no netem, so no delay is added). */
export async function limitRate(system: System, namespace: string, rate: string): Promise<void> {
  await system.run('tc', ['-n', namespace, 'qdisc', 'replace', 'dev', MACHINE_LINK, 'root', ...tbfParameters(rate)]);
}

const BITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9 };
/** The smallest bucket: it must hold at least a few full-size frames. */
const MIN_BURST_BYTES = 32 * 1024;

/** tbf's parameters for a rate like `20mbit`: a bucket of 20 ms worth of sending (no less than 32 KiB), queueing at most 100 ms. */
export function tbfParameters(rate: string): string[] {
  const [, amount, unit] = /^(\d+(?:\.\d+)?)([a-z]+)$/.exec(rate)!;
  const bytesPerSecond = (Number(amount) * BITS[unit]) / 8;
  const burst = Math.max(MIN_BURST_BYTES, Math.ceil(bytesPerSecond / 50));
  return ['tbf', 'rate', rate, 'burst', String(burst), 'latency', '100ms'];
}
