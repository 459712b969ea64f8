import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TestbedPlan } from './plan.js';
import { TestbedError } from './TestbedError.js';

/** Where a testbed keeps what it wrote: everything `down` removes, and nothing else. */
export interface TestbedFiles {
  stateDir: string;
  /** This file: the testbed as JSON (TestbedState). */
  state: string;
  /** `ssh -F` this: a block per host, by address and by name (h1..hN). */
  sshConfig: string;
  /** The private key every host's sshd accepts (its .pub beside it). */
  userKey: string;
  /** The hosts' keys, so the ssh config can check them strictly. */
  knownHosts: string;
  /** The hosts' addresses as peers 1001.., the first one with the file. */
  peerInfo: string;
}

/** What `up` has made so far, recorded as it goes, so `down` undoes exactly that, even after a partial `up`. */
export interface MadeSoFar {
  namespaces: string[];
  sshds: { host: string; pid: number }[];
}

export interface TestbedState extends TestbedPlan {
  files: TestbedFiles;
  made: MadeSoFar;
}

export const STATE_FILE = 'testbed.json';

export function defaultStateDir(tag: string): string {
  return path.join(os.tmpdir(), `swarmlab-testbed-${tag}`);
}

export function filesIn(stateDir: string): TestbedFiles {
  const dir = path.resolve(stateDir);
  return {
    stateDir: dir,
    state: path.join(dir, STATE_FILE),
    sshConfig: path.join(dir, 'ssh_config'),
    userKey: path.join(dir, 'id_ed25519'),
    knownHosts: path.join(dir, 'known_hosts'),
    peerInfo: path.join(dir, 'PeerInfo.cfg'),
  };
}

/** One host's own files: its sshd's config, host key, pid file and log. */
export function hostFiles(stateDir: string, host: string) {
  const dir = path.join(path.resolve(stateDir), host);
  return {
    dir,
    sshdConfig: path.join(dir, 'sshd_config'),
    hostKey: path.join(dir, 'ssh_host_ed25519_key'),
    pidFile: path.join(dir, 'sshd.pid'),
    log: path.join(dir, 'sshd.log'),
  };
}

export function writeState(state: TestbedState): void {
  fs.writeFileSync(state.files.state, JSON.stringify(state, null, 2) + '\n');
}

/** The testbed recorded in `stateDir`, or undefined when there is none (nothing is up, or `down` already ran). */
export function readState(stateDir: string): TestbedState | undefined {
  const file = filesIn(stateDir).state;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new TestbedError(`cannot read ${file}: ${(error as Error).message}`, 'unavailable');
  }
  try {
    return JSON.parse(text) as TestbedState;
  } catch (error) {
    throw new TestbedError(`${file} is not a testbed's state (${(error as Error).message}): remove its namespaces by hand (ip netns list)`, 'unavailable');
  }
}
