import type { PeerInfo } from '../../../src/config/PeerInfo.js';
import { RemotePeer } from '../../../src/launcher/remote/RemotePeer.js';
import { REMOTE_PID_MARKER } from '../../../src/launcher/remote/peerScript.js';
import { SwarmLauncher } from '../../../src/launcher/SwarmLauncher.js';
import { FakeSshClient } from './fakeSsh.js';

const peers: PeerInfo[] = [1001, 1002].map((peerId, i) => ({ peerId, host: `lab${i + 1}`, port: 6008, hasFile: i === 0, line: i + 1 }));

/** A launcher whose peers all go over (fake) ssh. */
function launch() {
  const client = new FakeSshClient();
  const started: Array<{ peerId: number; args: readonly string[] }> = [];
  const launcher = new SwarmLauncher({
    peers,
    configDir: '/nowhere',
    peersDir: '/nowhere',
    logDir: '/nowhere',
    logLevel: 'info',
    timeoutMs: 60_000,
    startPeer: (peer, args) => {
      started.push({ peerId: peer.peerId, args });
      return new RemotePeer({ client, peer, dir: '/tmp', command: 'peer', logFile: 'log', freshLog: true, pieceCount: 2, pieceBytes: () => 1, liveLog: false });
    },
  });
  const nextTick = () => new Promise(setImmediate);
  return { client, launcher, started, nextTick };
}

describe('SwarmLauncher with peers over ssh: the same flow as local processes', () => {
  test('each peer is started once the one before it listens; their progress and ends are the launcher\'s', async () => {
    const { client, launcher, started, nextTick } = launch();
    const run = launcher.run();
    await nextTick();
    expect(started).toEqual([{ peerId: 1001, args: ['--log-level', 'info'] }]);
    const [seeder] = client.sessions;
    seeder.say('info: listening on port 6008');
    await nextTick();
    const leecher = client.sessions[1];
    expect(launcher.lifecycleOf(1001)).toBe('running');
    leecher.say('info: listening on port 6008');
    leecher.say('10:00:00: Peer 1002 has downloaded the piece 1 from 1001. Now the number of pieces it has is 1.');
    await nextTick();
    expect(launcher.runs[1].piecesHeld).toBe(1);
    seeder.close(0);
    leecher.close(0);
    const swarm = await run;
    expect(swarm.runs.map((r) => r.end)).toEqual([{ kind: 'exited', code: 0, signal: null }, { kind: 'exited', code: 0, signal: null }]);
  });

  test('a host that refuses the key fails the run, in its own words; the next peer is not started', async () => {
    const { client, launcher, nextTick } = launch();
    const run = launcher.run();
    await nextTick();
    client.sessions[0].say('me@lab1: Permission denied (publickey).', 'stderr');
    client.sessions[0].close(255);
    const swarm = await run;
    expect(client.sessions).toHaveLength(1);
    expect(swarm.runs[0].fatal).toMatch(/^remote peer 1001: lab1 refuses our key/);
    expect(swarm.runs[1].end).toEqual({ kind: 'not-started', because: 'peer 1001 exited with 255' });
  });

  test('stopAll (Ctrl-C, --timeout, a failed peer) stops every remote peer by its pid there', async () => {
    const { client, launcher, nextTick } = launch();
    const run = launcher.run();
    await nextTick();
    client.sessions[0].say(`${REMOTE_PID_MARKER} 501`);
    client.sessions[0].say('info: listening on port 6008');
    await nextTick();
    client.sessions[1].say(`${REMOTE_PID_MARKER} 502`);
    await nextTick();
    launcher.stopAll('interrupted');
    expect(client.ran.map((r) => `${r.host}: ${r.script}`)).toEqual(['lab1: kill -TERM 501 2>/dev/null', 'lab2: kill -TERM 502 2>/dev/null']);
    for (const session of client.sessions) session.close(143);
    const swarm = await run;
    expect(swarm.runs.map((r) => r.end)).toEqual([{ kind: 'stopped', because: 'interrupted' }, { kind: 'stopped', because: 'interrupted' }]);
  });
});
