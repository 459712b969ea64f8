import { TestbedError } from './TestbedError.js';

/** One machine of the testbed: a network namespace with one address on the lab's switch. */
export interface TestbedMachine {
  /** h1..hN for the hosts, `controller` for the front machine. */
  name: string;
  namespace: string;
  address: string;
  /** Its end of the veth pair inside the switch's namespace (its own end is `eth0`). */
  switchPort: string;
}

export interface TestbedHost extends TestbedMachine {
  /** Its peer's id in the PeerInfo.cfg the testbed writes. */
  peerId: number;
  /** A tc rate such as `20mbit` on its egress, or undefined for none. */
  rate: string | undefined;
}

export interface TestbedPlan {
  tag: string;
  /** Always a /24, written `a.b.c.0/24`. */
  subnet: string;
  /** The namespace holding the bridge all machines are plugged into. */
  switchNamespace: string;
  controller: TestbedMachine;
  hosts: TestbedHost[];
  /** The port every host's peer listens on (each host has its own address). */
  peerPort: number;
}

export interface PlanOptions {
  hosts: number;
  /** DEFAULT_TAG when not given. */
  tag?: string;
  /** DEFAULT_SUBNET when not given. */
  subnet?: string;
  /** DEFAULT_PEER_PORT when not given. */
  peerPort?: number;
  /** `RATE` for every host, or `hN=RATE` for one; a later one wins for its hosts. None when not given. */
  rates?: readonly string[];
}

export const DEFAULT_TAG = 'swarmlab';
export const DEFAULT_SUBNET = '10.213.0.0/24';
export const DEFAULT_PEER_PORT = 6008;
export const FIRST_PEER_ID = 1001;
/** Hosts take .11 upwards (.2 is the controller), so a /24 holds this many. */
export const MAX_HOSTS = 200;
const FIRST_HOST_OCTET = 11;
const CONTROLLER_OCTET = 2;

/** Lower-case letters, digits and dashes: the tag is part of namespace names and of the state directory's. */
const TAG = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** tc's rates in bits per second (`bps` would be bytes, a trap, so it is not offered). */
const RATE = /^\d+(?:\.\d+)?(?:bit|kbit|mbit|gbit)$/;

export function namespaceOf(tag: string, machine: string): string {
  return `swl-${tag}-${machine}`;
}

export function planTestbed(options: PlanOptions): TestbedPlan {
  const { hosts: count, tag = DEFAULT_TAG, subnet = DEFAULT_SUBNET, peerPort = DEFAULT_PEER_PORT, rates: rateSpecs = [] } = options;
  if (!TAG.test(tag)) throw new TestbedError(`--tag takes 1 to 32 lower-case letters, digits and dashes (it names namespaces), got '${tag}'`, 'usage');
  if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS) throw new TestbedError(`the number of hosts must be a whole number from 1 to ${MAX_HOSTS}, got '${count}'`, 'usage');
  if (!Number.isInteger(peerPort) || peerPort < 1 || peerPort > 0xffff) throw new TestbedError(`--peer-port takes a port from 1 to 65535, got '${peerPort}'`, 'usage');
  const prefix = subnetPrefix(subnet);
  const names = Array.from({ length: count }, (_, i) => `h${i + 1}`);
  const rates = ratesByHost(rateSpecs, names);
  const machine = (name: string, octet: number): TestbedMachine => ({ name, namespace: namespaceOf(tag, name), address: `${prefix}.${octet}`, switchPort: name });
  return {
    tag,
    subnet: `${prefix}.0/24`,
    switchNamespace: namespaceOf(tag, 'sw'),
    controller: machine('controller', CONTROLLER_OCTET),
    hosts: names.map((name, i) => ({ ...machine(name, FIRST_HOST_OCTET + i), peerId: FIRST_PEER_ID + i, rate: rates.get(name) })),
    peerPort,
  };
}

/** `a.b.c` of a private `a.b.c.0/24`: the testbed's addresses must never be ones the machine could reach outside it. */
function subnetPrefix(subnet: string): string {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/.exec(subnet);
  const octets = match ? match.slice(1, 4).map(Number) : [];
  if (!match || octets.some((octet) => octet > 255)) throw new TestbedError(`--subnet takes a /24 written a.b.c.0/24, such as ${DEFAULT_SUBNET}, got '${subnet}'`, 'usage');
  const [a, b] = octets;
  const isPrivate = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  if (!isPrivate) throw new TestbedError(`--subnet must be private (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16), got '${subnet}'`, 'usage');
  return octets.join('.');
}

function ratesByHost(specs: readonly string[], names: readonly string[]): Map<string, string> {
  const rates = new Map<string, string>();
  for (const spec of specs) {
    const [target, rate] = spec.includes('=') ? spec.split('=', 2) : [undefined, spec];
    if (!RATE.test(rate)) throw new TestbedError(`--rate takes a tc rate in bits per second such as 20mbit (or h2=5mbit for one host), got '${spec}'`, 'usage');
    if (target !== undefined && !names.includes(target)) throw new TestbedError(`--rate ${spec}: there is no host ${target} (the hosts are h1..h${names.length})`, 'usage');
    for (const name of target === undefined ? names : [target]) rates.set(name, rate);
  }
  return rates;
}
