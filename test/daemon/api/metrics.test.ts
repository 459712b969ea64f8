import { startApiServer, type ApiServer } from '../../../src/daemon/api/ApiServer.js';
import { ALPHA, BETA, FakeDaemon } from '../../support/fakeDaemon.js';
import { httpRequest } from '../../support/httpRequest.js';

let daemon: FakeDaemon;
let server: ApiServer;
beforeEach(async () => {
  daemon = new FakeDaemon();
  server = await startApiServer({ daemon, port: 0, version: '9.9.9' });
});
afterEach(() => server.close());

const scrape = async () => {
  const reply = await httpRequest(server.port, 'GET', '/metrics');
  expect(reply.status).toBe(200);
  expect(reply.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return reply.body;
};
const A = `info_hash="${ALPHA.id}",name="alpha.iso"`;
const B = `info_hash="${BETA.id}",name="beta \\"quoted\\"\\nname"`;

test('per torrent, labelled by info_hash and name: state, progress, rates, peers, bytes down and up', async () => {
  const body = await scrape();
  for (const line of [
    `swarmlab_torrent_state{${A},state="downloading"} 1`,
    `swarmlab_torrent_state{${A},state="seeding"} 0`,
    `swarmlab_torrent_state{${B},state="seeding"} 1`,
    `swarmlab_torrent_progress_ratio{${A}} 0.25`,
    `swarmlab_torrent_size_bytes{${A}} 4194304`,
    `swarmlab_torrent_download_rate_bytes{${A}} 204800`,
    `swarmlab_torrent_upload_rate_bytes{${A}} 10240`,
    `swarmlab_torrent_peers{${A}} 5`,
    `swarmlab_torrent_seeds{${A}} 2`,
    `swarmlab_torrent_downloaded_bytes_total{${A}} 1100000`,
    `swarmlab_torrent_uploaded_bytes_total{${B}} 3000`,
    '# TYPE swarmlab_torrent_downloaded_bytes_total counter',
  ]) {
    expect(body.split('\n')).toContain(line);
  }
});

test("the daemon's totals, its version and its process", async () => {
  const lines = (await scrape()).split('\n');
  for (const line of [
    'swarmlab_daemon_info{version="9.9.9"} 1',
    'swarmlab_daemon_torrents{state="downloading"} 1',
    'swarmlab_daemon_torrents{state="seeding"} 1',
    'swarmlab_daemon_torrents{state="paused"} 0',
    'swarmlab_daemon_download_rate_bytes 204800',
    'swarmlab_daemon_upload_rate_bytes 10240',
    'swarmlab_daemon_peers 5',
    'swarmlab_daemon_downloaded_bytes_total 1101000',
    'swarmlab_daemon_uploaded_bytes_total 53000',
  ]) {
    expect(lines).toContain(line);
  }
  expect(lines.some((line) => line.startsWith('swarmlab_daemon_process_resident_memory_bytes '))).toBe(true);
});

test('the list is read once per scrape, and a removed torrent leaves no series behind', async () => {
  await scrape();
  expect(daemon.callsOf('list')).toHaveLength(1);
  daemon.torrents = [BETA];
  const body = await scrape();
  expect(body).not.toContain(ALPHA.id);
  expect(body).toContain(`swarmlab_torrent_progress_ratio{${B}} 1`);
  expect(body.split('\n')).toContain('swarmlab_daemon_torrents{state="downloading"} 0');
});

test('each server has its own registry: two in one process both answer', async () => {
  const other = await startApiServer({ daemon: new FakeDaemon(), port: 0, version: '1.0.0' });
  try {
    const reply = await httpRequest(other.port, 'GET', '/metrics');
    expect(reply.body.split('\n')).toContain('swarmlab_daemon_info{version="1.0.0"} 1');
    expect(await scrape()).toContain('swarmlab_daemon_info{version="9.9.9"} 1');
  } finally {
    await other.close();
  }
});
