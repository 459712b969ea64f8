import type { TestbedHost } from './plan.js';

export interface SshdFiles {
  hostKey: string;
  pidFile: string;
  /** The user's public key: the one key this sshd accepts. */
  authorizedKey: string;
}

/** sshd_config of one host: its own address only, its own key, the testbed's user key only, no passwords. */
export function sshdConfigText(host: TestbedHost, files: SshdFiles, sessionPath: string): string {
  return [
    `# sshd of testbed host ${host.name} (namespace ${host.namespace}), written by swarmlab testbed up`,
    `ListenAddress ${host.address}:22`,
    `HostKey ${files.hostKey}`,
    `AuthorizedKeysFile ${files.authorizedKey}`,
    'PubkeyAuthentication yes',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // The keys live in the testbed's state directory, whose owner and modes sshd would otherwise insist on.
    'StrictModes no',
    'UsePAM no',
    `PidFile ${files.pidFile}`,
    // scp speaks SFTP since OpenSSH 9.0: copying files to a host needs this.
    'Subsystem sftp internal-sftp',
    // Sessions find node and swarmlab where the one who brought the testbed up does (sshd's own PATH is minimal).
    `SetEnv "PATH=${sessionPath}"`,
    '',
  ].join('\n');
}
