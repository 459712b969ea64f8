import * as http from 'http';
import WebSocket from 'ws';
import { isOwnHost, isOwnOrigin } from '../../src/control/localOnly.js';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import { withTimeout } from '../support/waiting.js';
import { FACTS, FakeSwarm } from './FakeSwarm.js';

/** A GET with a Host header of our choosing (fetch does not allow setting it). */
function get(port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/', headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

/** Opens a WebSocket with the given headers: 'open', or the HTTP status it was refused with. */
function upgrade(port: number, options: { origin?: string; host?: string; path?: string }): Promise<'open' | number> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? '/ws'}`, { origin: options.origin, headers: options.host ? { host: options.host } : {} });
  return withTimeout(
    new Promise((resolve, reject) => {
      socket.on('open', () => {
        socket.close();
        resolve('open');
      });
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('error', reject);
    }),
    'the upgrade to be answered',
  );
}

describe('who may talk to the dashboard', () => {
  test.each([
    ['127.0.0.1:8080', true],
    ['localhost:8080', true],
    ['LOCALHOST:8080', true],
    ['127.0.0.1:8081', false],
    ['127.0.0.1', false],
    ['evil.example:8080', false],
    ['127.0.0.1.evil.example:8080', false],
    ['[::1]:8080', false],
    [undefined, false],
  ])('Host %s: %s', (host, allowed) => {
    expect(isOwnHost(host, 8080)).toBe(allowed);
  });

  test.each([
    ['http://127.0.0.1:8080', true],
    ['http://localhost:8080', true],
    ['https://127.0.0.1:8080', false],
    ['http://127.0.0.1:8081', false],
    ['http://evil.example:8080', false],
    ['http://127.0.0.1:8080.evil.example', false],
    ['null', false],
    [undefined, false],
  ])('Origin %s: %s', (origin, allowed) => {
    expect(isOwnOrigin(origin, 8080)).toBe(allowed);
  });
});

describe('the running server refuses requests from other sites', () => {
  let dashboard: Dashboard;
  beforeAll(async () => {
    dashboard = await startDashboard({ swarm: new FakeSwarm([1001, 1002], 8), facts: FACTS });
  });
  afterAll(() => dashboard.close());

  test('a page request must name the dashboard as its host (a DNS-rebound name is refused)', async () => {
    const { port } = dashboard;
    expect((await get(port, `127.0.0.1:${port}`)).status).toBe(200);
    expect((await get(port, `localhost:${port}`)).status).toBe(200);
    const rebound = await get(port, `evil.example:${port}`);
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('<html');
  });

  test('a WebSocket must come from the dashboard’s own page: other origins, no origin, a rebound host or another path are refused with 403', async () => {
    const { port } = dashboard;
    expect(await upgrade(port, { origin: `http://127.0.0.1:${port}` })).toBe('open');
    expect(await upgrade(port, { origin: `http://localhost:${port}`, host: `localhost:${port}` })).toBe('open');
    expect(await upgrade(port, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(port, {})).toBe(403);
    expect(await upgrade(port, { origin: `http://evil.example:${port}`, host: `evil.example:${port}` })).toBe(403);
    expect(await upgrade(port, { origin: `http://127.0.0.1:${port}`, path: '/other' })).toBe(403);
  });

  test('the page may run only its own inline script and connect only to the dashboard; no other site may frame it', async () => {
    const response = await fetch(dashboard.url);
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/default-src 'none'/);
    expect(policy).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(policy).toContain(`connect-src ws://127.0.0.1:${dashboard.port} ws://localhost:${dashboard.port}`);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
  });
});
