import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { PeerStatus } from '../node/PeerStatus.js';
import type { DisconnectReason } from '../net/ProtocolHandlers.js';
import type { Subscribable } from '../control/Subscribable.js';

/** The events the counters follow: the course node's (NodeEvents) and a BitTorrent peer's carry them. */
export interface MetricsEvents {
  pieceDownloaded: { from: number; bytes: number };
  pieceUploaded: { to: number; bytes: number };
  chokeChanged: { way: 'sent' | 'received'; choking: boolean };
  pieceRejected: { from: number };
  disconnected: { reason: DisconnectReason };
  handshakeFailed: { reason: DisconnectReason };
}

/** Reasons a connection ends that are not errors. */
const NORMAL_ENDINGS: ReadonlySet<DisconnectReason['kind']> = new Set(['remote-closed', 'shutdown', 'paused']);

/**
 * A peer's Prometheus metrics (`peerProcess --metrics-port`): counters fed by
 * the node's events, gauges read from its status at scrape time, and Node's
 * process metrics. Every series carries the label peer="<id>".
 */
export class PeerMetrics {
  readonly registry = new Registry();
  /** The status read once per scrape, shared by every gauge of it. */
  private scraped: PeerStatus | undefined;

  constructor(
    peerId: number,
    bus: Subscribable<MetricsEvents>,
    status: () => PeerStatus,
  ) {
    const { registry } = this;
    registry.setDefaultLabels({ peer: String(peerId) });
    collectDefaultMetrics({ register: registry, prefix: 'swarmlab_' });
    const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers: [registry] });

    const bytesDown = counter('swarmlab_downloaded_bytes_total', 'Piece bytes received and stored, by neighbour', ['neighbour']);
    const bytesUp = counter('swarmlab_uploaded_bytes_total', 'Piece bytes sent, by neighbour', ['neighbour']);
    const choke = counter('swarmlab_choke_changes_total', 'Choke and unchoke messages, sent by us or received', ['way', 'change']);
    const hashFailures = counter('swarmlab_hash_failures_total', 'Pieces that failed their SHA-1 check, by sender', ['neighbour']);
    const connectionErrors = counter('swarmlab_connection_errors_total', 'Connections that ended abnormally or failed their handshake, by reason', ['reason']);
    bus.on('pieceDownloaded', ({ from, bytes }) => bytesDown.inc({ neighbour: String(from) }, bytes));
    bus.on('pieceUploaded', ({ to, bytes }) => bytesUp.inc({ neighbour: String(to) }, bytes));
    bus.on('chokeChanged', ({ way, choking }) => choke.inc({ way, change: choking ? 'choke' : 'unchoke' }));
    bus.on('pieceRejected', ({ from }) => hashFailures.inc({ neighbour: String(from) }));
    const onEnded = ({ reason }: { reason: DisconnectReason }) => {
      if (!NORMAL_ENDINGS.has(reason.kind)) connectionErrors.inc({ reason: reasonLabel(reason) });
    };
    bus.on('disconnected', onEnded);
    bus.on('handshakeFailed', onEnded);

    const current = () => (this.scraped ??= status());
    const gauge = (name: string, help: string, read: (s: PeerStatus) => number) =>
      new Gauge({ name, help, registers: [registry], collect() { this.set(read(current())); } });
    gauge('swarmlab_pieces_held', 'Pieces of the file this peer holds', (s) => s.piecesHeld);
    gauge('swarmlab_pieces_total', 'Pieces in the file', (s) => s.pieceCount);
    gauge('swarmlab_requests_in_flight', 'Our requests not answered yet, all neighbours', (s) => s.neighbours.reduce((n, x) => n + x.requestsInFlight, 0));
    gauge('swarmlab_neighbours_connected', 'Neighbours with an open connection', (s) => s.neighbours.length);
    gauge('swarmlab_paused', '1 while paused through the control interface', (s) => (s.state === 'paused' ? 1 : 0));
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    try {
      return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    } finally {
      this.scraped = undefined;
    }
  }
}

/** Few distinct values (kind, plus the code of a protocol violation), so the label's cardinality stays bounded. */
function reasonLabel(reason: DisconnectReason): string {
  return reason.kind === 'protocol-violation' ? `protocol-violation:${reason.code}` : reason.kind;
}
