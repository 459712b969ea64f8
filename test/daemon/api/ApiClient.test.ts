import * as net from 'net';
import { DaemonError } from '../../../src/daemon/DaemonControl.js';
import { ApiClient, ApiError } from '../../../src/daemon/api/ApiClient.js';
import { startApiServer, type ApiServer } from '../../../src/daemon/api/ApiServer.js';
import { API_PREFIX, type DaemonEvent } from '../../../src/daemon/api/contract.js';
import { ADDED, ALPHA, BETA, FakeDaemon, INFO, PEERS } from '../../support/fakeDaemon.js';
import { ManualClock } from '../../support/ManualClock.js';
import { eventually } from '../../support/polling.js';
import { freePort } from '../../support/sockets.js';

let daemon: FakeDaemon;
let clock: ManualClock;
let server: ApiServer;
let client: ApiClient;
beforeEach(async () => {
  daemon = new FakeDaemon();
  clock = new ManualClock();
  server = await startApiServer({ daemon, port: 0, version: '9.9.9', clock });
  client = new ApiClient({ url: server.url });
});
afterEach(() => server.close());

describe('ApiClient against the server, over a fake daemon', () => {
  test('every call reaches the daemon and brings its answer back', async () => {
    expect(await client.info()).toEqual(INFO);
    expect(await client.updateSettings({ limits: { uploadRate: null } })).toEqual(INFO);
    expect(await client.list()).toEqual([ALPHA, BETA]);
    expect(await client.get('ab12c')).toMatchObject({ id: ALPHA.id, pieces: 'f000' });
    expect(await client.peers('ab12c')).toEqual(PEERS);
    expect(await client.add({ magnet: 'magnet:?xt=urn:btih:x' })).toEqual({ added: true, torrent: ADDED });
    expect(await client.act('ab12c', 'pause')).toMatchObject({ id: ALPHA.id, state: 'paused' });
    await client.remove('ab12c', true);
    expect(daemon.calls.map((c) => c.method)).toEqual(['info', 'updateSettings', 'list', 'get', 'peers', 'add', 'pause', 'remove']);
    expect(daemon.callsOf('remove')).toEqual([['ab12c', { deleteData: true }]]);
  });

  test("a refusal is an ApiError with the status and the daemon's message", async () => {
    await expect(client.get('ab12')).rejects.toMatchObject({ status: 409, message: "ab12 is the start of 2 torrents' ids: give more of it" });
    daemon.failNext = new DaemonError('storage', 'disk full');
    await expect(client.act('ab12c', 'resume')).rejects.toEqual(new ApiError(507, 'disk full'));
  });

  test('no daemon at the URL is an ApiError with status 0 that names it', async () => {
    const port = await freePort();
    const error = await new ApiClient({ url: `http://127.0.0.1:${port}` }).list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 0, message: `cannot reach the daemon at http://127.0.0.1:${port} (ECONNREFUSED): is \`swarmlab daemon\` running?` });
  });

  test('events: the list at once, a coalesced list, a removal; the stream ends when aborted and the server lets go of the daemon', async () => {
    const events: DaemonEvent[] = [];
    const abort = new AbortController();
    const following = client.events((event) => events.push(event), abort.signal);
    await eventually(() => events.length === 1, 'the first event');
    expect(events[0]).toEqual({ type: 'torrents', torrents: [ALPHA, BETA] });

    daemon.changed();
    daemon.torrents = [BETA];
    daemon.changed();
    daemon.removed(ALPHA.id);
    clock.advance(1000);
    await eventually(() => events.length === 3, () => `two more events, not ${JSON.stringify(events.slice(1))}`);
    expect(events.slice(1)).toEqual([{ type: 'removed', id: ALPHA.id }, { type: 'torrents', torrents: [BETA] }]);

    abort.abort();
    await following;
    await eventually(() => daemon.listeners === 0, 'the server to unsubscribe');
  });

  test('GET /events is text/event-stream, framed as the contract says, with keep-alives', async () => {
    const chunks: string[] = [];
    const response = await fetch(`${server.url}${API_PREFIX}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const readSome = async () => chunks.push(decoder.decode((await reader.read()).value));
    await readSome();
    expect(chunks.join('')).toBe(`event: torrents\ndata: ${JSON.stringify({ torrents: [ALPHA, BETA] })}\n\n`);
    clock.advance(15_000);
    await readSome();
    expect(chunks[1]).toBe(': keep-alive\n\n');
    await reader.cancel();
  });
});

describe('a client that does not read its events', () => {
  test('stops being written to (the list is not even read for it) and, once it reads again, gets the list as it is then', async () => {
    daemon.torrents = Array.from({ length: 2000 }, (_, i) => ({ ...ALPHA, id: i.toString(16).padStart(40, '0') }));
    const socket = net.connect(server.port, '127.0.0.1');
    socket.write(`GET ${API_PREFIX}/events HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
    socket.pause();
    await eventually(() => daemon.listeners === 2, 'the stream to start');
    const eventBytes = JSON.stringify(daemon.torrents).length;
    for (let second = 0; second < 100; second++) {
      clock.advance(1000);
      daemon.changed();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const listsMade = daemon.callsOf('list').length;
    // 100 events of ~0.6 MB would be 60 MB; the socket's buffers and the cap hold a few of them (8 here).
    expect(listsMade).toBeLessThan(40);
    expect(eventBytes * listsMade).toBeLessThan(20 << 20);

    daemon.torrents = [BETA];
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received = (received + chunk).slice(-10_000)));
    socket.resume();
    // The body is in chunked encoding: the event is followed by its chunk's end.
    const last = `data: ${JSON.stringify({ torrents: [BETA] })}\n\n`;
    await eventually(() => {
      clock.advance(1000);
      return received.includes(last);
    }, 'the list as it is now, once the client reads again');
    socket.destroy();
  });
});
