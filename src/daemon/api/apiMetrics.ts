import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { DaemonControl } from '../DaemonControl.js';
import type { TorrentState, TorrentSummary } from './contract.js';

const STATES: readonly TorrentState[] = ['metadata', 'checking', 'downloading', 'seeding', 'paused', 'error'];
const TORRENT_LABELS = ['info_hash', 'name'];

/**
 * The daemon's Prometheus metrics (GET /metrics): per torrent, labelled by
 * info_hash and name, and the daemon's totals, read from its list at scrape
 * time; and Node's process metrics. A registry of its own, so that two servers
 * in one process (tests) do not share series.
 */
export class ApiMetrics {
  private readonly registry = new Registry();
  /** The list read once per scrape, shared by every series. */
  private scraped: TorrentSummary[] | undefined;

  constructor(daemon: Pick<DaemonControl, 'list'>, version: string) {
    const registry = this.registry;
    collectDefaultMetrics({ register: registry, prefix: 'swarmlab_daemon_' });
    new Gauge({ name: 'swarmlab_daemon_info', help: "Always 1; the daemon's version is its label", labelNames: ['version'], registers: [registry] }).set({ version }, 1);
    const torrents = () => (this.scraped ??= daemon.list());
    const labels = (t: TorrentSummary) => ({ info_hash: t.id, name: t.name });
    const perTorrent = (kind: typeof Gauge | typeof Counter, name: string, help: string, read: (t: TorrentSummary) => number) =>
      new kind({
        name, help, labelNames: TORRENT_LABELS, registers: [registry],
        collect(this: Gauge | Counter) {
          this.reset();
          for (const t of torrents()) (this instanceof Gauge ? this.set(labels(t), read(t)) : this.inc(labels(t), read(t)));
        },
      });
    const total = (kind: typeof Gauge | typeof Counter, name: string, help: string, read: (t: TorrentSummary) => number) =>
      new kind({
        name, help, registers: [registry],
        collect(this: Gauge | Counter) {
          const sum = torrents().reduce((n, t) => n + read(t), 0);
          if (this instanceof Gauge) this.set(sum);
          else (this.reset(), this.inc(sum));
        },
      });

    new Gauge({
      name: 'swarmlab_torrent_state', help: "1 for the torrent's state, 0 for the others", labelNames: [...TORRENT_LABELS, 'state'], registers: [registry],
      collect() {
        this.reset();
        for (const t of torrents()) for (const state of STATES) this.set({ ...labels(t), state }, t.state === state ? 1 : 0);
      },
    });
    perTorrent(Gauge, 'swarmlab_torrent_progress_ratio', 'Bytes held over bytes wanted, 0 to 1', (t) => t.progress);
    perTorrent(Gauge, 'swarmlab_torrent_size_bytes', 'Bytes wanted (0 until a magnet link\'s metadata is known)', (t) => t.sizeBytes ?? 0);
    perTorrent(Gauge, 'swarmlab_torrent_download_rate_bytes', 'Payload download rate, bytes per second', (t) => t.downloadRate);
    perTorrent(Gauge, 'swarmlab_torrent_upload_rate_bytes', 'Payload upload rate, bytes per second', (t) => t.uploadRate);
    perTorrent(Gauge, 'swarmlab_torrent_peers', 'Connected peers', (t) => t.peers);
    perTorrent(Gauge, 'swarmlab_torrent_seeds', 'Connected peers that are seeds', (t) => t.seeds);
    perTorrent(Counter, 'swarmlab_torrent_downloaded_bytes_total', 'Payload bytes downloaded, over every run', (t) => t.downloadedBytes);
    perTorrent(Counter, 'swarmlab_torrent_uploaded_bytes_total', 'Payload bytes uploaded, over every run', (t) => t.uploadedBytes);

    new Gauge({
      name: 'swarmlab_daemon_torrents', help: 'Torrents, by state', labelNames: ['state'], registers: [registry],
      collect() {
        for (const state of STATES) this.set({ state }, torrents().filter((t) => t.state === state).length);
      },
    });
    total(Gauge, 'swarmlab_daemon_download_rate_bytes', 'Payload download rate of every torrent, bytes per second', (t) => t.downloadRate);
    total(Gauge, 'swarmlab_daemon_upload_rate_bytes', 'Payload upload rate of every torrent, bytes per second', (t) => t.uploadRate);
    total(Gauge, 'swarmlab_daemon_peers', 'Connected peers, every torrent', (t) => t.peers);
    total(Counter, 'swarmlab_daemon_downloaded_bytes_total', 'Payload bytes downloaded by the torrents there now, over every run', (t) => t.downloadedBytes);
    total(Counter, 'swarmlab_daemon_uploaded_bytes_total', 'Payload bytes uploaded by the torrents there now, over every run', (t) => t.uploadedBytes);
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    try {
      return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    } finally {
      this.scraped = undefined;
    }
  }
}
