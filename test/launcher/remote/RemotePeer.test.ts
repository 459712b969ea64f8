import type { PeerInfo } from '../../../src/config/PeerInfo.js';
import type { PeerReport } from '../../../src/launcher/PeerReport.js';
import { RemotePeer } from '../../../src/launcher/remote/RemotePeer.js';
import { REMOTE_PID_MARKER } from '../../../src/launcher/remote/peerScript.js';
import { collectLines } from '../../../src/launcher/SwarmLauncher.js';
import { FakeSshClient, type FakeSession } from './fakeSsh.js';

const leecher: PeerInfo = { peerId: 1002, host: 'lab2', port: 6008, hasFile: false, line: 2 };

/** A remote peer over a fake session, with everything it gives the launcher recorded. */
function startPeer(options: { liveLog?: boolean; peer?: PeerInfo } = {}) {
  const client = new FakeSshClient();
  const remote = new RemotePeer({
    client,
    peer: options.peer ?? leecher,
    dir: '/tmp/x/lab2',
    command: 'node peerProcess.js 1002',
    logFile: 'log_peer_1002.log',
    freshLog: true,
    pieceCount: 3,
    pieceBytes: (index) => (index === 2 ? 100 : 1000),
    liveLog: options.liveLog ?? false,
  });
  const reports: PeerReport[] = [];
  const stdout: string[] = [];
  const stderr: string[] = [];
  remote.on('message', (message) => reports.push(message as PeerReport));
  collectLines(remote.stdout, (line) => stdout.push(line));
  collectLines(remote.stderr, (line) => stderr.push(line));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => remote.once('close', (code, signal) => resolve({ code, signal })));
  const session: FakeSession = client.sessions[0];
  return { client, remote, session, reports, stdout, stderr, closed };
}

describe('RemotePeer: a peer over ssh, seen as the launcher sees a local process', () => {
  test('its session runs the peer script on its host, in its directory', () => {
    const { session } = startPeer();
    expect(session.host).toBe('lab2');
    expect(session.script).toMatch(/^cd \/tmp\/x\/lab2 \|\| exit 97; rm -f log_peer_1002.log; node peerProcess.js 1002 & pid=\$!;/);
  });

  test('"listening on port" makes it ready; its log lines make its progress; other lines are its output', async () => {
    const { session, reports, stdout, closed } = startPeer();
    session.say(`${REMOTE_PID_MARKER} 777`);
    session.say('2026-12-02 10:00:00.001 [1002] info: listening on port 6008');
    session.say('2026-12-02 10:00:01: Peer 1002 makes a connection to Peer 1001.');
    session.say('2026-12-02 10:00:01: Peer 1002 has downloaded the piece 2 from 1001. Now the number of pieces it has is 1.');
    session.say('2026-12-02 10:00:01: Peer 1002 has downloaded the piece 0 from 1001. Now the number of pieces it has is 2.');
    session.say('2026-12-02 10:00:02: Peer 1002 has downloaded the complete file.');
    session.close(0);
    expect(await closed).toEqual({ code: 0, signal: null });
    expect(reports).toEqual([
      { type: 'ready', peerId: 1002, port: 6008, piecesHeld: 0, pieceCount: 3 },
      { type: 'progress', peerId: 1002, piecesHeld: 1, pieceCount: 3, bytesDownloaded: 100, bytesUploaded: 0 },
      { type: 'progress', peerId: 1002, piecesHeld: 2, pieceCount: 3, bytesDownloaded: 1100, bytesUploaded: 0 },
      { type: 'downloadComplete', peerId: 1002 },
    ]);
    expect(stdout).toEqual(['2026-12-02 10:00:00.001 [1002] info: listening on port 6008']);
  });

  test('a seeder is ready with every piece; a live view gets the sentences as they come', async () => {
    const { session, reports, closed } = startPeer({ liveLog: true, peer: { ...leecher, hasFile: true } });
    session.say('info: listening on port 6008', 'stderr');
    session.say('2026-12-02 10:00:01: Peer 1002 is connected from Peer 1003.');
    session.close(0);
    await closed;
    expect(reports).toEqual([
      { type: 'ready', peerId: 1002, port: 6008, piecesHeld: 3, pieceCount: 3 },
      { type: 'logLines', peerId: 1002, lines: ['2026-12-02 10:00:01: Peer 1002 is connected from Peer 1003.'], dropped: 0 },
    ]);
  });

  test('stop: the peer is signalled there, by its pid; its session ends with it', async () => {
    const { client, session, remote, closed } = startPeer();
    session.say(`${REMOTE_PID_MARKER} 777`);
    await new Promise(setImmediate);
    remote.kill('SIGTERM');
    expect(client.ran).toEqual([{ host: 'lab2', script: 'kill -TERM 777 2>/dev/null', input: undefined }]);
    expect(session.kills).toEqual([]);
    session.close(143);
    expect(await closed).toEqual({ code: 143, signal: null });
    expect(remote.exitCode).toBe(143);
  });

  test('SIGKILL also closes the session from this end, once the kill was sent', async () => {
    const { client, session, remote } = startPeer();
    session.say(`${REMOTE_PID_MARKER} 777`);
    await new Promise(setImmediate);
    remote.kill('SIGKILL');
    expect(client.ran.map((r) => r.script)).toEqual(['kill -KILL 777 2>/dev/null']);
    await new Promise(setImmediate);
    expect(session.kills).toEqual(['SIGTERM']);
  });

  test('a stop asked before the pid is known waits for it; a SIGKILL then closes the session at once', async () => {
    const { client, session, remote } = startPeer();
    remote.kill('SIGTERM');
    expect(client.ran).toEqual([]);
    session.say(`${REMOTE_PID_MARKER} 778`);
    await new Promise(setImmediate);
    expect(client.ran.map((r) => r.script)).toEqual(['kill -TERM 778 2>/dev/null']);
    const early = startPeer();
    early.remote.kill('SIGKILL');
    expect(early.session.kills).toEqual(['SIGTERM']);
  });

  test('ssh\'s own failure ends with a line that says why, before close', async () => {
    const { session, stderr, closed } = startPeer();
    session.say('root@lab2: Permission denied (publickey).', 'stderr');
    session.close(255);
    expect(await closed).toEqual({ code: 255, signal: null });
    expect(stderr.at(-1)).toMatch(/^remote peer 1002: lab2 refuses our key \(root@lab2: Permission denied \(publickey\)\.\)/);
  });

  test('control commands are refused: there is no IPC channel', () => {
    const { remote } = startPeer();
    let error: Error | null = null;
    remote.send({ type: 'control', id: 1, command: { kind: 'pause' } }, (e) => (error = e));
    expect(remote.connected).toBe(false);
    expect(error).toEqual(new Error('peer 1002 runs over ssh: control commands do not reach it'));
  });
});
