import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import { DashboardClient } from './DashboardClient.js';
import { FACTS, FakeSwarm } from './FakeSwarm.js';

let swarm: FakeSwarm;
let dashboard: Dashboard;
let clients: DashboardClient[] = [];

async function connect(): Promise<DashboardClient> {
  const client = await DashboardClient.open(dashboard.port);
  clients.push(client);
  return client;
}

beforeEach(async () => {
  swarm = new FakeSwarm([1001, 1002, 1003, 1004], FACTS.pieceCount);
  // A short beat keeps the tests quick; they wait on messages, never on the clock.
  dashboard = await startDashboard({ swarm, facts: FACTS, flushIntervalMs: 20, maxLogLines: 5 });
});

afterEach(async () => {
  clients.forEach((c) => c.close());
  clients = [];
  await dashboard.close();
});

describe('the dashboard server pushes the swarm to each page', () => {
  test('listens on 127.0.0.1 and serves the page at /', async () => {
    expect(dashboard.url).toBe(`http://127.0.0.1:${dashboard.port}/`);
    const response = await fetch(dashboard.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('<table id="matrix">');
    expect((await fetch(`${dashboard.url}nothing`)).status).toBe(404);
    expect((await fetch(dashboard.url, { method: 'POST' })).status).toBe(405);
  });

  test('a page that connects gets a snapshot: facts, every peer with its lifecycle and status, recent log lines', async () => {
    swarm.setLifecycle(1001, 'running');
    swarm.pushStatus(1001);
    swarm.log(1001, ['l1', 'l2', 'l3', 'l4', 'l5', 'l6']);
    const client = await connect();
    const snapshot = await client.next('snapshot');
    expect(snapshot.facts).toEqual(FACTS);
    expect(snapshot.peers.map((p) => [p.peerId, p.hasFile, p.lifecycle, p.status?.piecesHeld])).toEqual([
      [1001, true, 'running', 64],
      [1002, false, 'waiting', undefined],
      [1003, false, 'waiting', undefined],
      [1004, false, 'waiting', undefined],
    ]);
    // The newest lines, up to the cap.
    expect(snapshot.log.map((e) => e.line)).toEqual(['l2', 'l3', 'l4', 'l5', 'l6']);
  });

  test('statuses, log lines and lifecycle changes are pushed; a burst of statuses of one peer arrives as its latest', async () => {
    const client = await connect();
    await client.next('snapshot');
    swarm.startAll();
    for (let piece = 0; piece < 10; piece++) swarm.givePieces(1002, [piece]);
    swarm.log(1002, ['Peer 1002 has downloaded the piece 9 from 1001.']);
    const statuses = await client.next('status');
    expect(statuses.statuses.filter((s) => s.peerId === 1002).map((s) => s.piecesHeld)).toEqual([10]);
    expect(statuses.statuses.map((s) => s.peerId).sort()).toEqual([1001, 1002, 1003, 1004]);
    expect(await client.next('log')).toEqual({ type: 'log', entries: [{ peerId: 1002, line: 'Peer 1002 has downloaded the piece 9 from 1001.' }], dropped: 0 });
    const lifecycles = client.messages.filter((m) => m.type === 'lifecycle');
    expect(lifecycles).toHaveLength(4);
    expect(lifecycles[0]).toEqual({ type: 'lifecycle', peerId: 1001, state: 'running', detail: 'listening' });
  });

  test('commands reach the swarm and are answered: pause, resume, set-limits, kill, restart', async () => {
    swarm.startAll();
    const client = await connect();
    await client.next('snapshot');
    client.send({ type: 'command', id: 1, peerId: 1002, action: 'pause' });
    expect(await client.reply(1)).toEqual({ type: 'result', id: 1, ok: true });
    const paused = await client.next('status', (m) => m.statuses.some((s) => s.peerId === 1002 && s.state === 'paused'));
    expect(paused.statuses.find((s) => s.peerId === 1002)?.neighbours).toEqual([]);

    client.send({ type: 'command', id: 2, peerId: 1002, action: 'resume' });
    client.send({ type: 'command', id: 3, peerId: 1003, action: 'set-limits', upload: '500KiB/s', download: '' });
    expect(await client.reply(2)).toMatchObject({ type: 'result' });
    expect(await client.reply(3)).toMatchObject({ type: 'result' });
    expect(swarm.commands).toEqual([
      { peerId: 1002, command: { kind: 'pause' } },
      { peerId: 1002, command: { kind: 'resume' } },
      // An empty box is unlimited; the per-neighbour limits are not touched.
      { peerId: 1003, command: { kind: 'set-limits', limits: { uploadBytesPerSecond: 512_000, downloadBytesPerSecond: null } } },
    ]);

    client.send({ type: 'command', id: 4, peerId: 1004, action: 'kill' });
    expect(await client.reply(4)).toMatchObject({ type: 'result' });
    expect(await client.next('lifecycle', (m) => m.peerId === 1004 && m.state === 'killed')).toBeDefined();
    client.send({ type: 'command', id: 5, peerId: 1004, action: 'restart' });
    expect(await client.reply(5)).toMatchObject({ type: 'result' });
    expect({ kills: swarm.kills, restarts: swarm.restarts }).toEqual({ kills: [1004], restarts: [1004] });
  });

  test('bad commands get an error back to that page only; the connection and the server go on', async () => {
    swarm.startAll();
    const client = await connect();
    const other = await connect();
    await client.next('snapshot');
    client.send('not json');
    client.send(Buffer.from([0xff, 0x00]));
    client.send({ type: 'command', id: 10, peerId: 4242, action: 'pause' });
    client.send({ type: 'command', id: 11, peerId: 1002, action: 'set-limits', upload: 'fast' });
    client.send({ type: 'command', id: 12, peerId: 1002, action: 'restart' }); // it is running
    expect(await client.reply(10)).toEqual({ type: 'error', id: 10, message: 'unknown peer 4242' });
    expect(await client.reply(11)).toMatchObject({ type: 'error', message: expect.stringContaining("bad upload rate 'fast'") });
    expect(await client.reply(12)).toMatchObject({ type: 'error', message: 'peer 1002 is running: only a peer that exited or was killed can be started again' });
    expect(client.messages.filter((m) => m.type === 'error' && m.id === undefined).map((m) => m.type === 'error' && m.message)).toEqual(['not JSON', 'expected a JSON text frame, got a binary one']);

    swarm.refuseWith = 'the peer is stopping';
    client.send({ type: 'command', id: 13, peerId: 1003, action: 'pause' });
    expect(await client.reply(13)).toEqual({ type: 'error', id: 13, message: 'the peer is stopping' });
    swarm.refuseWith = undefined;
    client.send({ type: 'command', id: 14, peerId: 1003, action: 'pause' });
    expect(await client.reply(14)).toMatchObject({ type: 'result' });
    expect(other.messages.some((m) => m.type === 'error' || m.type === 'result')).toBe(false);
  });

  test('once the run is over, commands are refused with the reason, and none reaches the swarm', async () => {
    swarm.startAll();
    const client = await connect();
    await client.next('snapshot');
    dashboard.refuseCommands('the run has ended');
    client.send({ type: 'command', id: 1, peerId: 1002, action: 'pause' });
    expect(await client.reply(1)).toEqual({ type: 'error', id: 1, message: 'the run has ended' });
    expect(swarm.commands).toEqual([]);
  });

  test('when the run ends, each page is told how, a page opened later sees it in its snapshot, and commands are refused unsent', async () => {
    swarm.startAll();
    const client = await connect();
    await client.next('snapshot');
    swarm.endRun({ 1003: { kind: 'exited', code: 1, signal: null }, 1004: { kind: 'stopped', because: 'peer 1003 exited with 1' } });
    const ended = await client.next('ended');
    expect(ended).toEqual({ type: 'ended', allFinished: false, summary: '2 of 4 peers did not finish (exited with 1: 1003; stopped (peer 1003 exited with 1): 1004)' });
    // The peers' exits went out before it.
    expect(client.messages.findIndex((m) => m.type === 'lifecycle' && m.peerId === 1004 && m.state === 'exited')).toBeLessThan(client.messages.indexOf(ended));

    const later = await connect();
    expect((await later.next('snapshot')).ended).toEqual({ allFinished: false, summary: ended.summary });
    client.send({ type: 'command', id: 1, peerId: 1002, action: 'restart' });
    expect(await client.reply(1)).toEqual({ type: 'error', id: 1, message: `the run has ended (${ended.summary}): start a new run to try again` });
    expect(swarm.restarts).toEqual([]);
  });

  test('a page that connects while the run goes on has no end in its snapshot', async () => {
    const client = await connect();
    expect((await client.next('snapshot')).ended).toBeUndefined();
  });

  test('an oversized frame closes that page only (1009), not the server', async () => {
    const client = await connect();
    await client.next('snapshot');
    client.send('x'.repeat(100_000));
    expect(await client.closed()).toBe(1009);
    const again = await connect();
    expect(await again.next('snapshot')).toBeDefined();
  });

  test('close() sends what happened since the last beat, says goodbye to each page (1001) and stops listening to the swarm', async () => {
    await dashboard.close();
    dashboard = await startDashboard({ swarm, facts: FACTS, flushIntervalMs: 3_600_000 }); // no beat during the test
    const client = await connect();
    await client.next('snapshot');
    expect(swarm.listenerCount()).toBe(4); // statuses, log lines, lifecycle changes, the end of the run
    swarm.setLifecycle(1002, 'exited', 'exit 0');
    await dashboard.close();
    expect(await client.closed()).toBe(1001);
    expect(client.messages.at(-1)).toEqual({ type: 'lifecycle', peerId: 1002, state: 'exited', detail: 'exit 0' });
    expect(swarm.listenerCount()).toBe(0);
    await expect(fetch(dashboard.url)).rejects.toThrow();
    dashboard = await startDashboard({ swarm, facts: FACTS }); // for afterEach
  });
});
