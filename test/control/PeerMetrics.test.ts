import type { PeerStatus } from '../../src/node/PeerStatus.js';
import { PeerMetrics } from '../../src/metrics/PeerMetrics.js';
import { startMetricsServer } from '../../src/metrics/MetricsServer.js';
import { EventBus } from '../../src/node/EventBus.js';
import type { NodeEvents } from '../../src/node/NodeEvents.js';

const status = (): PeerStatus => ({
  peerId: 1002,
  state: 'paused',
  pieceCount: 8,
  piecesHeld: 3,
  bitfieldHex: 'e0',
  downloadRate: 0,
  uploadRate: 0,
  bytesDownloaded: 0,
  bytesUploaded: 0,
  preferred: [],
  optimistic: null,
  limits: {},
  neighbours: [
    { peerId: 1001, direction: 'outbound', amChoking: true, amInterested: true, peerChoking: false, peerInterested: false, preferred: false, optimistic: false, piecesHeld: 8, requestsInFlight: 2, downloadRate: 0, uploadRate: 0, bytesDownloaded: 0, bytesUploaded: 0 },
  ],
});

function metricsWithTraffic() {
  const bus = new EventBus<NodeEvents>();
  const metrics = new PeerMetrics(1002, bus, status);
  bus.emit('pieceDownloaded', { index: 0, from: 1001, bytes: 32, piecesHeld: 1 });
  bus.emit('pieceDownloaded', { index: 1, from: 1001, bytes: 32, piecesHeld: 2 });
  bus.emit('pieceUploaded', { index: 0, to: 1003, bytes: 32 });
  bus.emit('chokeChanged', { peerId: 1001, way: 'received', choking: false });
  bus.emit('chokeChanged', { peerId: 1003, way: 'sent', choking: true });
  bus.emit('pieceRejected', { index: 2, from: 1004 });
  bus.emit('disconnected', { peerId: 1004, reason: { kind: 'protocol-violation', code: 'bad-piece-hash', message: 'two bad pieces' } });
  bus.emit('disconnected', { peerId: 1005, reason: { kind: 'remote-closed' } });
  bus.emit('handshakeFailed', { direction: 'inbound', reason: { kind: 'handshake-timeout', timeoutMs: 10_000 } });
  return metrics;
}

test('counters follow the node\'s events and gauges read its status, every series labelled with the peer', async () => {
  const { body } = await metricsWithTraffic().exposition();
  expect(body).toContain('swarmlab_downloaded_bytes_total{neighbour="1001",peer="1002"} 64');
  expect(body).toContain('swarmlab_uploaded_bytes_total{neighbour="1003",peer="1002"} 32');
  expect(body).toContain('swarmlab_choke_changes_total{way="received",change="unchoke",peer="1002"} 1');
  expect(body).toContain('swarmlab_choke_changes_total{way="sent",change="choke",peer="1002"} 1');
  expect(body).toContain('swarmlab_hash_failures_total{neighbour="1004",peer="1002"} 1');
  expect(body).toContain('swarmlab_connection_errors_total{reason="protocol-violation:bad-piece-hash",peer="1002"} 1');
  expect(body).toContain('swarmlab_connection_errors_total{reason="handshake-timeout",peer="1002"} 1');
  expect(body).not.toContain('reason="remote-closed"');
  expect(body).toContain('swarmlab_pieces_held{peer="1002"} 3');
  expect(body).toContain('swarmlab_pieces_total{peer="1002"} 8');
  expect(body).toContain('swarmlab_requests_in_flight{peer="1002"} 2');
  expect(body).toContain('swarmlab_neighbours_connected{peer="1002"} 1');
  expect(body).toContain('swarmlab_paused{peer="1002"} 1');
  expect(body).toMatch(/swarmlab_process_resident_memory_bytes\{peer="1002"\} \d+/);
});

test('GET /metrics on 127.0.0.1 serves the Prometheus text format', async () => {
  const server = await startMetricsServer(0, metricsWithTraffic());
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await response.text()).toContain('swarmlab_downloaded_bytes_total{neighbour="1001",peer="1002"} 64');
    expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
  } finally {
    await server.close();
  }
});

test('a scrape reads the peer\'s status once, for every gauge', async () => {
  let reads = 0;
  const metrics = new PeerMetrics(1002, new EventBus<NodeEvents>(), () => {
    reads++;
    return status();
  });
  await metrics.exposition();
  expect(reads).toBe(1);
  await metrics.exposition();
  expect(reads).toBe(2);
});
