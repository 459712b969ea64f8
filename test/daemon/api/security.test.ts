import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { loadOrCreateToken, startApiServer, type ApiServer } from '../../../src/daemon/api/ApiServer.js';
import { tokensMatch } from '../../../src/daemon/api/apiToken.js';
import { API_PREFIX, MAX_API_BODY_BYTES } from '../../../src/daemon/api/contract.js';
import { isLoopback } from '../../../src/net/hosts.js';
import { FakeDaemon } from '../../support/fakeDaemon.js';
import { makeTempDir, removeTempDir } from '../../support/fixtures.js';
import { httpRequest } from '../../support/httpRequest.js';
import { ManualClock } from '../../support/ManualClock.js';

const TOKEN = 'c0ffee'.repeat(10);
let daemon: FakeDaemon;
let server: ApiServer;
afterEach(() => server?.close());

async function start(token?: string): Promise<void> {
  daemon = new FakeDaemon();
  server = await startApiServer({ daemon, port: 0, version: '9.9.9', token, clock: new ManualClock() });
}

describe('on 127.0.0.1, what a web page in the browser could send is refused', () => {
  beforeEach(() => start());

  test('a Host that is not ours (DNS rebinding) is a 403; 127.0.0.1 and localhost with our port pass', async () => {
    const evil = await httpRequest(server.port, 'GET', `${API_PREFIX}/torrents`, { headers: { host: `evil.example:${server.port}` } });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body)).toEqual({ error: `only http://127.0.0.1:${server.port} is served here (Host: evil.example:${server.port})` });
    expect((await httpRequest(server.port, 'GET', '/metrics', { headers: { host: 'localhost:1' } })).status).toBe(403);
    expect((await httpRequest(server.port, 'GET', `${API_PREFIX}/info`, { headers: { host: `localhost:${server.port}` } })).status).toBe(200);
    expect(daemon.callsOf('list')).toEqual([]);
  });

  test('a foreign Origin is a 403; our own passes', async () => {
    const foreign = await httpRequest(server.port, 'POST', `${API_PREFIX}/torrents/ab12c/pause`, { headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{}' });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toEqual({ error: 'cross-site requests from https://evil.example are refused' });
    expect(daemon.callsOf('pause')).toEqual([]);
    const own = await httpRequest(server.port, 'GET', `${API_PREFIX}/info`, { headers: { origin: `http://localhost:${server.port}` } });
    expect(own.status).toBe(200);
  });

  test.each([
    ['POST', '/torrents/ab12c/pause', 'text/plain'],
    ['POST', '/torrents', 'application/x-www-form-urlencoded'],
    ['POST', '/torrents', 'multipart/form-data; boundary=x'],
    ['POST', '/torrents/ab12c/resume', undefined],
    ['PATCH', '/settings', 'text/plain'],
    ['DELETE', '/torrents/ab12c', undefined],
  ])('%s %s with content-type %s (what a plain form or a no-cors fetch can send) is a 415', async (method, route, contentType) => {
    const reply = await httpRequest(server.port, method, API_PREFIX + route, { headers: contentType ? { 'content-type': contentType } : {}, body: '{}' });
    expect(reply.status).toBe(415);
    expect(JSON.parse(reply.body).error).toContain(`${method} requests must be JSON (content-type: application/json)`);
    expect(daemon.calls).toEqual([]);
  });

  test('a .torrent sent raw may not pose as JSON for the other routes', async () => {
    const reply = await httpRequest(server.port, 'PATCH', `${API_PREFIX}/settings`, { headers: { 'content-type': 'application/x-bittorrent' }, body: '{}' });
    expect(reply.status).toBe(415);
  });
});

describe('a token', () => {
  test('is asked of every request when given: none or a wrong one is a 401', async () => {
    await start(TOKEN);
    const none = await httpRequest(server.port, 'GET', `${API_PREFIX}/info`);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(JSON.parse(none.body).error).toContain('this API needs its token');
    expect((await httpRequest(server.port, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}0` } })).status).toBe(401);
    expect((await httpRequest(server.port, 'GET', `${API_PREFIX}/info`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await httpRequest(server.port, 'GET', '/metrics', { headers: { authorization: `bearer ${TOKEN}` } })).status).toBe(200);
    expect(daemon.callsOf('info')).toEqual([[]]);
  });

  test('may come as ?token= on GET /events alone (EventSource sends no header)', async () => {
    await start(TOKEN);
    expect((await httpRequest(server.port, 'GET', `${API_PREFIX}/info?token=${TOKEN}`)).status).toBe(401);
    const events = await new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: server.port, path: `${API_PREFIX}/events?token=${TOKEN}`, agent: false }, (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      }).on('error', reject);
    });
    expect(events).toBe(200);
    expect((await httpRequest(server.port, 'GET', `${API_PREFIX}/events?token=wrong`)).status).toBe(401);
  });

  test('is not asked for the page\'s static paths (GET only): the page asks the user for it, then sends it with each call', async () => {
    server = await startApiServer({
      daemon,
      port: 0,
      version: '9.9.9',
      token: TOKEN,
      clock: new ManualClock(),
      page: (_request, response) => {
        response.end('the page');
        return true;
      },
      pagePaths: ['/'],
    });
    expect(await httpRequest(server.port, 'GET', '/')).toMatchObject({ status: 200, body: 'the page' });
    expect((await httpRequest(server.port, 'GET', '/other')).status).toBe(401);
    expect((await httpRequest(server.port, 'POST', '/', { headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(401);
    expect((await httpRequest(server.port, 'GET', `${API_PREFIX}/info`)).status).toBe(401);
  });

  test('is required to listen beyond loopback: without one the server does not start', async () => {
    await expect(startApiServer({ daemon: new FakeDaemon(), host: '0.0.0.0', port: 0, version: '1' })).rejects.toThrow('the API listens on 0.0.0.0, beyond this machine: it needs a token');
  });

  test('is compared whole, whatever the lengths', () => {
    expect(tokensMatch(TOKEN, TOKEN)).toBe(true);
    expect(tokensMatch(TOKEN.slice(0, 10), TOKEN)).toBe(false);
    expect(tokensMatch('', TOKEN)).toBe(false);
  });

  test.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['localhost', true],
    ['0.0.0.0', false],
    ['192.168.1.5', false],
    ['::', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopback(host)).toBe(loopback);
  });
});

describe('loadOrCreateToken', () => {
  let dir: string;
  beforeEach(() => (dir = makeTempDir('swarmlab-token-')));
  afterEach(() => removeTempDir(dir));

  test('makes 32 random bytes in hex, readable by its owner alone, in a folder it creates; then reads it back', async () => {
    const file = path.join(dir, 'data', 'api-token');
    const token = await loadOrCreateToken(file);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateToken(file)).toBe(token);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['api-token']);
  });

  test('two at once agree on one token', async () => {
    const file = path.join(dir, 'api-token');
    const [a, b] = await Promise.all([loadOrCreateToken(file), loadOrCreateToken(file)]);
    expect(a).toBe(b);
    expect(fs.readFileSync(file, 'utf8')).toBe(`${a}\n`);
  });

  test('an empty token file is named, not taken for a token', async () => {
    const file = path.join(dir, 'api-token');
    fs.writeFileSync(file, '\n');
    await expect(loadOrCreateToken(file)).rejects.toThrow(`${file}: the API token file is empty`);
  });
});

describe('the body cap', () => {
  beforeEach(() => start());

  test('a declared length over the cap is a 413 before the body is sent', async () => {
    const reply = await rawExchange(server.port, [
      `POST ${API_PREFIX}/torrents HTTP/1.1`,
      `Host: 127.0.0.1:${server.port}`,
      'Content-Type: application/x-bittorrent',
      `Content-Length: ${MAX_API_BODY_BYTES + 1}`,
      '',
      'd4:info',
    ].join('\r\n'));
    expect(reply).toMatch(/^HTTP\/1.1 413 /);
    expect(reply).toContain(`{"error":"the request body is over ${MAX_API_BODY_BYTES} bytes"}`);
    expect(daemon.calls).toEqual([]);
  });

  test('a client that asks first (Expect: 100-continue) is told 413 instead of being asked for the body', async () => {
    const head = (length: number) =>
      [`POST ${API_PREFIX}/torrents HTTP/1.1`, `Host: 127.0.0.1:${server.port}`, 'Content-Type: application/x-bittorrent', `Content-Length: ${length}`, 'Expect: 100-continue', '', ''].join('\r\n');
    expect(await rawExchange(server.port, head(MAX_API_BODY_BYTES + 1))).toMatch(/^HTTP\/1.1 413 /);
    expect(await rawExchange(server.port, head(9), 'HTTP/1.1 100 Continue\r\n\r\n')).toBe('HTTP/1.1 100 Continue\r\n\r\n');
  });

  test('a chunked body is refused as soon as it passes the cap, not read to its end', async () => {
    const { status, sent } = await new Promise<{ status: number; sent: number }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, method: 'POST', path: `${API_PREFIX}/torrents`, headers: { 'content-type': 'application/x-bittorrent' }, agent: false });
      let sent = 0;
      let answered = false;
      const chunk = Buffer.alloc(1 << 20, 0x61);
      // One chunk a turn of the event loop: a client that also reads its socket, as curl does. (Writing in
      // a tight loop, this process would not see the answer before the server, done listening, closed.)
      const pump = () => {
        if (answered || sent >= 4 * MAX_API_BODY_BYTES) return;
        sent += chunk.length;
        if (req.write(chunk)) setImmediate(pump);
        else req.once('drain', pump);
      };
      req.on('response', (res) => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, sent });
        req.destroy();
      });
      req.on('error', (error) => answered || reject(error));
      pump();
    });
    expect(status).toBe(413);
    expect(sent).toBeLessThan(4 * MAX_API_BODY_BYTES);
    expect(daemon.calls).toEqual([]);
  });
});

/** Writes `text` on a fresh connection and collects what comes back until it ends with `until` (an error's JSON body by default). */
function rawExchange(port: number, text: string, until = '"}\n'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
      if (answer.endsWith(until)) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}
