import type { PeerInfo } from '../../../src/config/PeerInfo.js';
import { DEFAULT_REMOTE_COMMAND, goesOverSsh, remoteCommandFor, remoteDirFor, type RemotePlan } from '../../../src/launcher/remote/remotePlan.js';

const peer = (peerId: number, host: string): PeerInfo => ({ peerId, host, port: 6008, hasFile: false, line: 1 });
const here = (host: string) => host === '127.0.0.1' || host === 'me.lab';

describe('goesOverSsh: which peers the launcher starts over ssh', () => {
  test('auto: the hosts that are not this machine', () => {
    expect(goesOverSsh(peer(1001, 'lin114-01.cise.ufl.edu'), 'auto', here)).toBe(true);
    expect(goesOverSsh(peer(1002, 'me.lab'), 'auto', here)).toBe(false);
    expect(goesOverSsh(peer(1003, '127.0.0.1'), 'auto', here)).toBe(false);
  });

  test('always: every peer, this machine too (as the course\'s StartRemotePeers); never: none', () => {
    expect(goesOverSsh(peer(1003, '127.0.0.1'), 'always', here)).toBe(true);
    expect(goesOverSsh(peer(1001, 'lin114-01.cise.ufl.edu'), 'never', here)).toBe(false);
  });
});

describe('the remote directory and command of a peer', () => {
  const plan: RemotePlan = { mode: 'always', dirTemplate: '/tmp/x/{host}/{id}', commandTemplate: 'java -cp "my classes" peerProcess {id} # on {host}' };

  test('{id} and {host} are filled in', () => {
    expect(remoteDirFor(plan, peer(1001, 'lab1'))).toBe('/tmp/x/lab1/1001');
  });

  test('in the command, filled-in values and extra arguments are quoted; the user\'s own text is left as written', () => {
    const odd = peer(1002, "it's.lab");
    expect(remoteCommandFor(plan, odd, ['--max-upload-rate', '2 MiB/s'])).toBe(`java -cp "my classes" peerProcess 1002 # on 'it'\\''s.lab' --max-upload-rate '2 MiB/s'`);
  });

  test('the default runs this swarmlab\'s peerProcess in the spec\'s flat layout', () => {
    expect(DEFAULT_REMOTE_COMMAND).toMatch(/^node \S+\/dist\/cli\/peerProcess\.js \{id\} --peers-dir \. --log-dir \.$|^node \S+\/src\/cli\/peerProcess\.js \{id\} --peers-dir \. --log-dir \.$/);
    expect(remoteCommandFor({ ...plan, commandTemplate: DEFAULT_REMOTE_COMMAND }, peer(1001, 'lab1'), ['--log-level', 'info'])).toMatch(/peerProcess\.js 1001 --peers-dir \. --log-dir \. --log-level info$/);
  });
});
