import * as http from 'http';
import { startControlServer } from '../../src/control/ControlServer.js';
import type { PeerCommand } from '../../src/control/PeerCommand.js';
import type { PeerController } from '../../src/control/PeerController.js';
import type { PeerStatus } from '../../src/node/PeerStatus.js';
import type { LocalServer } from '../../src/control/localHttp.js';

const STATUS: PeerStatus = {
  peerId: 1002,
  state: 'running',
  pieceCount: 8,
  piecesHeld: 3,
  bitfieldHex: 'e0',
  downloadRate: 10,
  uploadRate: 0,
  bytesDownloaded: 96,
  bytesUploaded: 0,
  preferred: [1001],
  optimistic: null,
  limits: {},
  neighbours: [],
};

class FakeController implements PeerController {
  readonly executed: PeerCommand[] = [];
  status(): PeerStatus {
    return STATUS;
  }
  async execute(command: PeerCommand): Promise<void> {
    if (command.kind === 'resume') throw new Error('port 6002 is already in use');
    this.executed.push(command);
  }
}

interface Reply {
  status: number;
  body: string;
}

function request(server: LocalServer, method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const JSON_BODY = { 'content-type': 'application/json' };
let controller: FakeController;
let server: LocalServer;
beforeEach(async () => {
  controller = new FakeController();
  server = await startControlServer(0, controller);
});
afterEach(() => server.close());

test('binds 127.0.0.1 only', () => {
  expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
});

test('GET /status gives the status as JSON', async () => {
  const reply = await request(server, 'GET', '/status');
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body)).toEqual(STATUS);
});

test('POST /pause, /stop and /limits reach the peer', async () => {
  expect((await request(server, 'POST', '/pause', { headers: JSON_BODY })).status).toBe(200);
  expect((await request(server, 'POST', '/stop', { headers: JSON_BODY })).status).toBe(200);
  const limits = await request(server, 'POST', '/limits', { headers: JSON_BODY, body: '{"uploadBytesPerSecond":"1MiB/s","downloadBytesPerSecond":null}' });
  expect(limits.status).toBe(200);
  expect(controller.executed).toEqual([
    { kind: 'pause' },
    { kind: 'stop' },
    { kind: 'set-limits', limits: { uploadBytesPerSecond: 1024 * 1024, downloadBytesPerSecond: null } },
  ]);
});

test('a command the peer refuses, or a bad body, is a 400 with the reason', async () => {
  const refused = await request(server, 'POST', '/resume', { headers: JSON_BODY });
  expect(refused.status).toBe(400);
  expect(JSON.parse(refused.body)).toEqual({ ok: false, error: 'port 6002 is already in use' });
  const garbage = await request(server, 'POST', '/limits', { headers: JSON_BODY, body: '{"upload' });
  expect(JSON.parse(garbage.body).error).toBe('the body is not valid JSON');
  const badRate = await request(server, 'POST', '/command', { headers: JSON_BODY, body: '{"kind":"set-limits","limits":{"uploadBytesPerSecond":"fast"}}' });
  expect(badRate.status).toBe(400);
  expect(controller.executed).toEqual([]);
});

test('unknown paths and wrong methods say what exists', async () => {
  expect(await request(server, 'GET', '/nope')).toMatchObject({ status: 404, body: expect.stringContaining('GET /status') });
  expect((await request(server, 'GET', '/pause')).status).toBe(405);
  expect((await request(server, 'POST', '/status', { headers: JSON_BODY })).status).toBe(405);
  expect(controller.executed).toEqual([]);
});

test('refuses what a web page elsewhere could send: a foreign Host (DNS rebinding), a foreign Origin, a form POST', async () => {
  expect((await request(server, 'GET', '/status', { headers: { host: 'evil.example:80' } })).status).toBe(403);
  expect((await request(server, 'POST', '/pause', { headers: { ...JSON_BODY, origin: 'http://evil.example' } })).status).toBe(403);
  expect((await request(server, 'POST', '/pause', { headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(403);
  expect((await request(server, 'POST', '/pause', { headers: { ...JSON_BODY, origin: `http://127.0.0.1:${server.port}` } })).status).toBe(200);
  expect(controller.executed).toEqual([{ kind: 'pause' }]);
});

test('a body over 16 KiB is refused: a 413, or the connection cut while the client still sends', async () => {
  const outcome = await request(server, 'POST', '/limits', { headers: JSON_BODY, body: `{"uploadBytesPerSecond":"${'9'.repeat(20_000)}"}` }).then(
    (reply) => String(reply.status),
    (error: NodeJS.ErrnoException) => error.code,
  );
  expect(['413', 'ECONNRESET', 'EPIPE']).toContain(outcome);
  expect(controller.executed).toEqual([]);
});
