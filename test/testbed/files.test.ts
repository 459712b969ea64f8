import { parsePeerInfo } from '../../src/config/PeerInfo.js';
import { knownHostsText, peerInfoText, sshConfigText } from '../../src/testbed/clientFiles.js';
import { planTestbed } from '../../src/testbed/plan.js';
import { sshdConfigText } from '../../src/testbed/sshdConfig.js';
import { defaultStateDir, filesIn, type TestbedState } from '../../src/testbed/state.js';
import { describeTestbed } from '../../src/testbed/summary.js';

const plan = planTestbed({ hosts: 2, tag: 'lab', subnet: '10.213.0.0/24', peerPort: 6100, rates: ['h2=5mbit'] });
const [h1] = plan.hosts;

describe('the files a testbed writes', () => {
  test("a host's sshd listens on its address only, with its own key, and accepts the testbed's key alone", () => {
    const text = sshdConfigText(h1, { hostKey: '/s/h1/key', pidFile: '/s/h1/sshd.pid', authorizedKey: '/s/id_ed25519.pub' }, '/usr/local/bin:/usr/bin');
    const lines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(lines).toEqual([
      'ListenAddress 10.213.0.11:22',
      'HostKey /s/h1/key',
      'AuthorizedKeysFile /s/id_ed25519.pub',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'StrictModes no',
      'UsePAM no',
      'PidFile /s/h1/sshd.pid',
      'Subsystem sftp internal-sftp',
      'SetEnv "PATH=/usr/local/bin:/usr/bin"',
    ]);
  });

  test('the ssh config reaches each host by address or name, with the testbed key, checking host keys strictly, never asking', () => {
    const text = sshConfigText(plan.hosts, { userKey: '/s/id_ed25519', knownHosts: '/s/known_hosts' }, 'root', 'lab');
    const blocks = text.split('\n\n');
    expect(blocks).toHaveLength(2);
    expect(blocks[1].trimEnd().split('\n')).toEqual([
      'Host 10.213.0.12 h2',
      '  HostName 10.213.0.12',
      '  User root',
      '  IdentityFile /s/id_ed25519',
      '  IdentitiesOnly yes',
      '  UserKnownHostsFile /s/known_hosts',
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
    ]);
    expect(blocks[0]).toContain('Host 10.213.0.11 h1\n  HostName 10.213.0.11\n');
  });

  test("known_hosts names each host's address with its key, without the key's comment", () => {
    const text = knownHostsText([
      { address: '10.213.0.11', publicKey: 'ssh-ed25519 AAAAone h1@swl-lab-h1\n' },
      { address: '10.213.0.12', publicKey: 'ssh-ed25519 AAAAtwo h2@swl-lab-h2\n' },
    ]);
    expect(text).toBe('10.213.0.11 ssh-ed25519 AAAAone\n10.213.0.12 ssh-ed25519 AAAAtwo\n');
  });

  test('PeerInfo.cfg lists the hosts as peers 1001.. on the port asked for, the first with the file, and parses', () => {
    const peers = parsePeerInfo(peerInfoText(plan.hosts, plan.peerPort, plan.tag), 'PeerInfo.cfg');
    expect(peers.map(({ peerId, host, port, hasFile }) => ({ peerId, host, port, hasFile }))).toEqual([
      { peerId: 1001, host: '10.213.0.11', port: 6100, hasFile: true },
      { peerId: 1002, host: '10.213.0.12', port: 6100, hasFile: false },
    ]);
  });
});

describe('what up prints', () => {
  const state = (stateDir: string): TestbedState => ({ ...plan, files: filesIn(stateDir), made: { namespaces: [], sshds: [{ host: 'h1', pid: 41 }, { host: 'h2', pid: 42 }] } });

  test('the machines with their addresses, namespaces, sshd pids and rates, the files, and the next commands', () => {
    const lines = describeTestbed(state(defaultStateDir('lab')));
    expect(lines[0]).toBe('testbed lab is up: 2 host(s) on 10.213.0.0/24, switch in namespace swl-lab-sw');
    expect(lines).toContain('  h1         10.213.0.11     swl-lab-h1  sshd pid 41, no rate limit');
    expect(lines).toContain('  h2         10.213.0.12     swl-lab-h2  sshd pid 42, 5mbit');
    expect(lines).toContain(`ssh config:   ${filesIn(defaultStateDir('lab')).sshConfig}`);
    expect(lines).toContain('  swarmlab testbed down --tag lab');
  });

  test('a state directory of its own is named in every next command', () => {
    const lines = describeTestbed(state('/srv/bed'));
    expect(lines.filter((line) => line.startsWith('  swarmlab testbed'))).toHaveLength(3);
    for (const line of lines.filter((line) => line.startsWith('  swarmlab testbed'))) expect(line).toContain('--tag lab --state-dir /srv/bed');
  });
});
