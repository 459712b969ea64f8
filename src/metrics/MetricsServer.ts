import { serveLocal, text, type LocalServer } from '../control/localHttp.js';
import type { PeerMetrics } from './PeerMetrics.js';

/** Serves GET /metrics in Prometheus's text format on 127.0.0.1 only. */
export function startMetricsServer(port: number, metrics: PeerMetrics): Promise<LocalServer> {
  return serveLocal(port, async ({ method, path }) => {
    if (path !== '/metrics') return text(404, 'GET /metrics\n');
    if (method !== 'GET') return text(405, 'GET /metrics\n');
    const { contentType, body } = await metrics.exposition();
    return { status: 200, contentType, body };
  });
}
