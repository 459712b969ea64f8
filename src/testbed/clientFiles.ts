import type { TestbedHost } from './plan.js';

export interface SshClientFiles {
  userKey: string;
  knownHosts: string;
}

/** An ssh config (for `ssh -F`) reaching each host by address or by name, checking its key strictly, never asking anything. */
export function sshConfigText(hosts: readonly TestbedHost[], files: SshClientFiles, user: string, tag: string): string {
  const blocks = hosts.map((host) =>
    [
      `Host ${host.address} ${host.name}`,
      `  HostName ${host.address}`,
      `  User ${user}`,
      `  IdentityFile ${files.userKey}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${files.knownHosts}`,
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
    ].join('\n'),
  );
  return `# The hosts of testbed ${tag}, written by swarmlab testbed up; use from its controller (swarmlab testbed exec)\n${blocks.join('\n\n')}\n`;
}

/** known_hosts naming each host by its address, with the public key (`ssh-ed25519 AAAA... comment`) its sshd was given. */
export function knownHostsText(entries: readonly { address: string; publicKey: string }[]): string {
  return entries.map(({ address, publicKey }) => `${address} ${publicKey.trim().split(/\s+/).slice(0, 2).join(' ')}\n`).join('');
}

/** PeerInfo.cfg with one peer per host, in host order; the first host has the file. */
export function peerInfoText(hosts: readonly TestbedHost[], port: number, tag: string): string {
  const lines = hosts.map((host, i) => `${host.peerId} ${host.address} ${port} ${i === 0 ? 1 : 0}`);
  return `# Testbed ${tag}: peerId host port hasFile (hosts ${hosts[0].name}..${hosts[hosts.length - 1].name}); each peer dials every peer listed before it.\n${lines.join('\n')}\n`;
}
