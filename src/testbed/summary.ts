import { defaultStateDir, filesIn, type TestbedState } from './state.js';

/** What `up` prints: the machines, the files, and the commands to run next. */
export function describeTestbed(state: TestbedState): string[] {
  const { tag, files, controller, hosts } = state;
  const pidOf = (name: string) => state.made.sshds.find((sshd) => sshd.host === name)?.pid;
  const where = `--tag ${tag}${files.stateDir === filesIn(defaultStateDir(tag)).stateDir ? '' : ` --state-dir ${files.stateDir}`}`;
  return [
    `testbed ${tag} is up: ${hosts.length} host(s) on ${state.subnet}, switch in namespace ${state.switchNamespace}`,
    `  ${controller.name.padEnd(10)} ${controller.address.padEnd(15)} ${controller.namespace}  (launch from here)`,
    ...hosts.map((host) => `  ${host.name.padEnd(10)} ${host.address.padEnd(15)} ${host.namespace}  sshd pid ${pidOf(host.name)}, ${host.rate ?? 'no rate limit'}`),
    `state:        ${files.state}`,
    `ssh config:   ${files.sshConfig}`,
    `PeerInfo.cfg: ${files.peerInfo} (peers ${hosts[0].peerId}.., port ${state.peerPort})`,
    'next:',
    `  swarmlab testbed exec ${where} -- ssh -F ${files.sshConfig} h1 hostname -I`,
    `  swarmlab testbed exec ${where} -- node dist/cli/swarmlab.js swarm --ssh-config ${files.sshConfig} --config-dir DIR   (DIR: a Common.cfg and this PeerInfo.cfg)`,
    `  swarmlab testbed down ${where}`,
  ];
}
