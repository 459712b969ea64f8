import { DaemonError } from '../../../src/daemon/DaemonControl.js';
import { startApiServer, type ApiServer } from '../../../src/daemon/api/ApiServer.js';
import { API_PREFIX } from '../../../src/daemon/api/contract.js';
import { ADDED, ALPHA, BETA, FakeDaemon, INFO, PEERS } from '../../support/fakeDaemon.js';
import { httpRequest, type HttpReply } from '../../support/httpRequest.js';
import { ManualClock } from '../../support/ManualClock.js';

const JSON_TYPE = { 'content-type': 'application/json' };
let daemon: FakeDaemon;
let server: ApiServer;
beforeEach(async () => {
  daemon = new FakeDaemon();
  server = await startApiServer({ daemon, port: 0, version: '9.9.9', clock: new ManualClock() });
});
afterEach(() => server.close());

const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = JSON_TYPE): Promise<HttpReply> =>
  httpRequest(server.port, method, API_PREFIX + path, { headers, body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) });
const json = (reply: HttpReply) => JSON.parse(reply.body) as unknown;

describe('the API answers each route from the daemon', () => {
  test('GET /info', async () => {
    const reply = await api('GET', '/info');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(json(reply)).toEqual(INFO);
  });

  test('PATCH /settings passes the checked patch and answers the new info', async () => {
    const reply = await api('PATCH', '/settings', { downloadDir: '/tmp/x', peerPort: 7000, limits: { downloadRate: 1000, uploadRate: null }, firstRun: false });
    expect(reply.status).toBe(200);
    expect(json(reply)).toEqual({ ...INFO, downloadDir: '/tmp/x' });
    expect(daemon.callsOf('updateSettings')).toEqual([[{ downloadDir: '/tmp/x', peerPort: 7000, limits: { downloadRate: 1000, uploadRate: null }, firstRun: false }]]);
  });

  test.each([
    [{ firstRun: true }, 'firstRun can only be set to false'],
    [{ limits: { downloadRate: -5 } }, 'limits.downloadRate must be a whole number'],
    [{ limits: { upload: 5 } }, 'unknown field limits.upload'],
    [{ limits: 5 }, 'limits must be an object'],
    [{ downloadDir: 7 }, 'downloadDir must be a string'],
    [{ peerPort: 70000 }, 'peerPort must be a port number from 1 to 65535'],
    [{ colour: 'red' }, 'unknown field colour'],
  ])('PATCH /settings %j is a 400: %s', async (patch, message) => {
    const reply = await api('PATCH', '/settings', patch);
    expect(reply.status).toBe(400);
    expect((json(reply) as { error: string }).error).toContain(message);
    expect(daemon.callsOf('updateSettings')).toEqual([]);
  });

  test('PATCH /torrents/:id sets its own limits and answers its page; a bad one is a 400 naming the field', async () => {
    const reply = await api('PATCH', `/torrents/${ALPHA.id}`, { limits: { downloadRate: 65_536 } });
    expect(reply.status).toBe(200);
    expect(json(reply)).toMatchObject({ id: ALPHA.id, limits: { downloadRate: 65_536, uploadRate: null } });
    expect(daemon.callsOf('updateTorrent')).toEqual([[ALPHA.id, { limits: { downloadRate: 65_536 } }]]);
    const bad = await api('PATCH', `/torrents/${ALPHA.id}`, { limits: { downloadRate: 0 } });
    expect(bad.status).toBe(400);
    expect((json(bad) as { error: string }).error).toContain('limits.downloadRate must be a whole number');
    expect((json(await api('PATCH', `/torrents/${ALPHA.id}`, { speed: 1 })) as { error: string }).error).toContain('unknown field speed');
    expect((json(await api('PATCH', `/torrents/${ALPHA.id}`, { files: [{ index: 0, priority: 'urgent' }] })) as { error: string }).error).toContain('files[0]: files must be a list of');
    expect((json(await api('PATCH', `/torrents/${ALPHA.id}`, { firstAndLastFirst: 'yes' })) as { error: string }).error).toContain('firstAndLastFirst must be true or false');
    const files = await api('PATCH', `/torrents/${ALPHA.id}`, { files: [{ index: 2, priority: 'skip' }], firstAndLastFirst: true });
    expect(files.status).toBe(200);
    expect(daemon.callsOf('updateTorrent').at(-1)).toEqual([ALPHA.id, { files: [{ index: 2, priority: 'skip' }], firstAndLastFirst: true }]);
    expect((json(await api('PATCH', '/settings', { peerLimits: { uploadRate: 'fast' } })) as { error: string }).error).toContain('peerLimits.uploadRate must be a whole number');
  });

  test('GET /torrents/:id/files/:n/stream: the whole file (200), a range (206), a range past the end (416), no such file (404)', async () => {
    const path = `/torrents/${ALPHA.id}/files/0/stream`;
    const whole = await api('GET', path);
    expect(whole).toMatchObject({ status: 200, body: daemon.fileBytes.toString(), headers: { 'content-type': 'text/plain; charset=utf-8', 'accept-ranges': 'bytes', 'content-length': '44' } });
    const part = await httpRequest(server.port, 'GET', `${API_PREFIX}${path}`, { headers: { range: 'bytes=4-18' } });
    expect(part).toMatchObject({ status: 206, body: 'quick brown fox', headers: { 'content-range': 'bytes 4-18/44', 'content-length': '15' } });
    const tail = await httpRequest(server.port, 'GET', `${API_PREFIX}${path}`, { headers: { range: 'bytes=-4' } });
    expect(tail).toMatchObject({ status: 206, body: 'dog.' });
    const past = await httpRequest(server.port, 'GET', `${API_PREFIX}${path}`, { headers: { range: 'bytes=44-' } });
    expect(past).toMatchObject({ status: 416, headers: { 'content-range': 'bytes */44' } });
    expect(JSON.parse(past.body).error).toContain('starts past the end of folder/fox.txt (44 bytes)');
    expect((await api('GET', `/torrents/${ALPHA.id}/files/1/stream`)).status).toBe(404);
    expect((await api('GET', `/torrents/${ALPHA.id}/files/x/stream`)).status).toBe(400);
  });

  test('GET /torrents, /torrents/:id (a unique prefix) and /torrents/:id/peers', async () => {
    expect(json(await api('GET', '/torrents'))).toEqual({ torrents: [ALPHA, BETA] });
    const detail = await api('GET', '/torrents/ab12c');
    expect(detail.status).toBe(200);
    expect(json(detail)).toMatchObject({ id: ALPHA.id, pieces: 'f000', pieceCount: 16 });
    expect(json(await api('GET', `/torrents/${BETA.id}/peers`))).toEqual({ peers: PEERS });
    expect(daemon.callsOf('get')).toEqual([['ab12c']]);
  });

  test.each(['pause', 'resume', 'recheck'] as const)('POST /torrents/:id/%s answers the torrent', async (action) => {
    const reply = await api('POST', `/torrents/ab12c/${action}`, {});
    expect(reply.status).toBe(200);
    expect(json(reply)).toEqual({ torrent: expect.objectContaining({ id: ALPHA.id }) });
    expect(daemon.callsOf(action)).toEqual([['ab12c']]);
  });

  test('DELETE /torrents/:id is a 204, and ?deleteData=true deletes the data', async () => {
    const kept = await api('DELETE', '/torrents/ab12c');
    expect(kept).toMatchObject({ status: 204, body: '' });
    const deleted = await api('DELETE', `/torrents/${BETA.id}?deleteData=true`);
    expect(deleted.status).toBe(204);
    expect(daemon.callsOf('remove')).toEqual([['ab12c', { deleteData: false }], [BETA.id, { deleteData: true }]]);
    expect((await api('DELETE', '/torrents/ab12c?deleteData=yes')).status).toBe(400);
  });

  test('an id with percent-encoding reaches the daemon decoded; a malformed one is a 400', async () => {
    expect((await api('GET', '/torrents/a%20b')).status).toBe(404);
    expect(daemon.callsOf('get')).toEqual([['a b']]);
    expect((await api('GET', '/torrents/%E0%A4%A')).status).toBe(400);
  });
});

describe('POST /torrents', () => {
  test('a .torrent in base64 is added: 201 with the result, the options passed on', async () => {
    const reply = await api('POST', '/torrents', { torrent: Buffer.from('d4:infode').toString('base64'), dir: '/srv/x', paused: true });
    expect(reply.status).toBe(201);
    expect(json(reply)).toEqual({ added: true, torrent: ADDED });
    expect(daemon.callsOf('add')).toEqual([[{ kind: 'torrent', bytes: Buffer.from('d4:infode') }, { dir: '/srv/x', paused: true }]]);
  });

  test('one already there is a 200 with added false', async () => {
    daemon.addResult = { added: false, torrent: ALPHA };
    const reply = await api('POST', '/torrents', { magnet: `magnet:?xt=urn:btih:${ALPHA.id}` });
    expect(reply.status).toBe(200);
    expect(json(reply)).toEqual({ added: false, torrent: ALPHA });
    expect(daemon.callsOf('add')).toEqual([[{ kind: 'magnet', link: `magnet:?xt=urn:btih:${ALPHA.id}` }, {}]]);
  });

  test('a URL is passed on for the daemon to fetch', async () => {
    expect((await api('POST', '/torrents', { url: 'https://example.org/a.torrent' })).status).toBe(201);
    expect(daemon.callsOf('add')).toEqual([[{ kind: 'url', url: 'https://example.org/a.torrent' }, {}]]);
  });

  test('a raw application/x-bittorrent body with ?dir=&paused=true', async () => {
    const reply = await api('POST', '/torrents?dir=%2Fsrv%2Fy&paused=true', Buffer.from('d4:infode'), { 'content-type': 'application/x-bittorrent' });
    expect(reply.status).toBe(201);
    expect(daemon.callsOf('add')).toEqual([[{ kind: 'torrent', bytes: Buffer.from('d4:infode') }, { dir: '/srv/y', paused: true }]]);
    expect((await api('POST', '/torrents', '', { 'content-type': 'application/x-bittorrent' })).status).toBe(400);
  });

  test.each([
    [{}, 'name the torrent: give one of torrent (base64), magnet or url'],
    [{ magnet: 'magnet:?xt=urn:btih:00', url: 'http://a/b' }, 'give only one of torrent, magnet and url, not magnet and url'],
    [{ torrent: 'not base64!' }, "torrent must be the .torrent file's bytes in base64"],
    [{ magnet: 'http://a/b' }, 'magnet must be a magnet link'],
    [{ url: 'ftp://a/b' }, 'url must be an http:// or https:// URL'],
    [{ url: 'http://a/b', paused: 'yes' }, 'paused must be true or false'],
    [{ url: 'http://a/b', dir: '' }, 'dir is empty'],
    [{ url: 'http://a/b', pause: true }, 'unknown field pause'],
    [[1, 2], 'the request body must be a JSON object'],
  ])('%j is a 400: %s', async (body, message) => {
    const reply = await api('POST', '/torrents', body);
    expect(reply.status).toBe(400);
    expect(json(reply)).toEqual({ error: expect.stringContaining(message) });
    expect(daemon.callsOf('add')).toEqual([]);
  });

  test('malformed JSON, or none, is a 400', async () => {
    const malformed = await api('POST', '/torrents', '{"magnet": ');
    expect(malformed.status).toBe(400);
    expect(json(malformed)).toEqual({ error: expect.stringContaining('the request body is not valid JSON') });
    expect(json(await api('POST', '/torrents', ''))).toEqual({ error: 'the request body is empty: send a JSON object' });
  });
});

describe('errors', () => {
  test.each([
    ['bad-input', 400],
    ['not-found', 404],
    ['ambiguous', 409],
    ['conflict', 409],
    ['too-large', 413],
    ['storage', 507],
  ] as const)("the daemon's %s refusal is a %d with its message", async (kind, status) => {
    daemon.failNext = new DaemonError(kind, `refused: ${kind}`);
    const reply = await api('POST', '/torrents/ab12c/resume', {});
    expect(reply.status).toBe(status);
    expect(json(reply)).toEqual({ error: `refused: ${kind}` });
  });

  test('an ambiguous prefix and an unknown id, as the daemon finds them', async () => {
    expect(await api('GET', '/torrents/ab12')).toMatchObject({ status: 409 });
    expect(await api('GET', '/torrents/ffff')).toMatchObject({ status: 404 });
  });

  test('an unexpected exception is a 500 with its message, and the server goes on', async () => {
    daemon.failNext = new TypeError('cannot read properties of undefined');
    const reply = await api('GET', '/torrents');
    expect(reply.status).toBe(500);
    expect(json(reply)).toEqual({ error: 'internal error: cannot read properties of undefined' });
    expect((await api('GET', '/torrents')).status).toBe(200);
  });

  test('an unknown route is a 404; a wrong method a 405 that says which it takes (Allow)', async () => {
    const unknown = await api('GET', '/nothing');
    expect(unknown.status).toBe(404);
    expect(json(unknown)).toEqual({ error: 'no such route: /nothing' });
    expect((await api('GET', '/torrents/ab12c/pause')).status).toBe(405);
    const wrong = await api('PUT', '/torrents', {});
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('GET, POST');
    expect((await api('POST', `/torrents/${ALPHA.id}`, {})).headers.allow).toBe('GET, PATCH, DELETE');
    const metrics = await httpRequest(server.port, 'POST', '/metrics', { headers: JSON_TYPE, body: '{}' });
    expect(metrics).toMatchObject({ status: 405, headers: { allow: 'GET' } });
  });

  test('a path outside the API is a 404 without a page hook', async () => {
    const reply = await httpRequest(server.port, 'GET', '/index.html');
    expect(reply.status).toBe(404);
    expect(json(reply)).toEqual({ error: 'no such page: /index.html (the API is under /api/v1/)' });
  });
});

describe('the web UI hook', () => {
  test('gets each GET outside the API and /metrics; a false answer is a 404', async () => {
    await server.close();
    const seen: string[] = [];
    server = await startApiServer({
      daemon, port: 0, version: '9.9.9',
      page: (req, res) => {
        seen.push(req.url!);
        if (req.url !== '/') return false;
        res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>swarmlab</h1>');
        return true;
      },
    });
    expect(await httpRequest(server.port, 'GET', '/')).toMatchObject({ status: 200, body: '<h1>swarmlab</h1>' });
    expect((await httpRequest(server.port, 'GET', '/app.js')).status).toBe(404);
    expect((await httpRequest(server.port, 'GET', '/metrics')).status).toBe(200);
    expect((await httpRequest(server.port, 'GET', `${API_PREFIX}/info`)).status).toBe(200);
    expect(seen).toEqual(['/', '/app.js']);
  });
});
