import { Counter, Gauge, Registry, collectDefaultMetrics, type LabelValues } from 'prom-client';
import type { DaemonControl } from '../DaemonControl.js';
import type { TorrentState, TorrentSummary } from './contract.js';

const STATES: readonly TorrentState[] = ['metadata', 'checking', 'downloading', 'seeding', 'paused', 'error'];
const TORRENT_LABELS = ['info_hash', 'name'];

type Series = [LabelValues<string>, number][];

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
    const metric = (kind: 'gauge' | 'counter', name: string, help: string, labelNames: string[], series: () => Series) => readAtScrape(registry, kind, name, help, labelNames, series);
    const perTorrent = (kind: 'gauge' | 'counter', name: string, help: string, read: (t: TorrentSummary) => number) =>
      metric(kind, name, help, TORRENT_LABELS, () => torrents().map((t) => [labels(t), read(t)]));
    const total = (kind: 'gauge' | 'counter', name: string, help: string, read: (t: TorrentSummary) => number) =>
      metric(kind, name, help, [], () => [[{}, torrents().reduce((sum, t) => sum + read(t), 0)]]);

    metric('gauge', 'swarmlab_torrent_state', "1 for the torrent's state, 0 for the others", [...TORRENT_LABELS, 'state'], () =>
      torrents().flatMap((t) => STATES.map((state): Series[number] => [{ ...labels(t), state }, t.state === state ? 1 : 0])),
    );
    perTorrent('gauge', 'swarmlab_torrent_progress_ratio', 'Bytes held over bytes wanted, 0 to 1', (t) => t.progress);
    perTorrent('gauge', 'swarmlab_torrent_size_bytes', "Bytes wanted (0 until a magnet link's metadata is known)", (t) => t.sizeBytes ?? 0);
    perTorrent('gauge', 'swarmlab_torrent_download_rate_bytes', 'Payload download rate, bytes per second', (t) => t.downloadRate);
    perTorrent('gauge', 'swarmlab_torrent_upload_rate_bytes', 'Payload upload rate, bytes per second', (t) => t.uploadRate);
    perTorrent('gauge', 'swarmlab_torrent_peers', 'Connected peers', (t) => t.peers);
    perTorrent('gauge', 'swarmlab_torrent_seeds', 'Connected peers that are seeds', (t) => t.seeds);
    perTorrent('counter', 'swarmlab_torrent_downloaded_bytes_total', 'Payload bytes downloaded, over every run', (t) => t.downloadedBytes);
    perTorrent('counter', 'swarmlab_torrent_uploaded_bytes_total', 'Payload bytes uploaded, over every run', (t) => t.uploadedBytes);

    metric('gauge', 'swarmlab_daemon_torrents', 'Torrents, by state', ['state'], () => STATES.map((state) => [{ state }, torrents().filter((t) => t.state === state).length]));
    total('gauge', 'swarmlab_daemon_download_rate_bytes', 'Payload download rate of every torrent, bytes per second', (t) => t.downloadRate);
    total('gauge', 'swarmlab_daemon_upload_rate_bytes', 'Payload upload rate of every torrent, bytes per second', (t) => t.uploadRate);
    total('gauge', 'swarmlab_daemon_peers', 'Connected peers, every torrent', (t) => t.peers);
    total('counter', 'swarmlab_daemon_downloaded_bytes_total', 'Payload bytes downloaded by the torrents there now, over every run', (t) => t.downloadedBytes);
    total('counter', 'swarmlab_daemon_uploaded_bytes_total', 'Payload bytes uploaded by the torrents there now, over every run', (t) => t.uploadedBytes);
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    try {
      return { contentType: this.registry.contentType, body: await this.registry.metrics() };
    } finally {
      this.scraped = undefined;
    }
  }
}

/**
 * A gauge or a counter set afresh at each scrape from `series`: a torrent
 * removed leaves no series behind. (A counter's value is the daemon's own
 * running total, so it is set, not added to.)
 */
function readAtScrape(registry: Registry, kind: 'gauge' | 'counter', name: string, help: string, labelNames: string[], series: () => Series): void {
  const registers = [registry];
  if (kind === 'gauge') {
    new Gauge({ name, help, labelNames, registers, collect() {
      this.reset();
      for (const [labels, value] of series()) this.set(labels, value);
    } });
  } else {
    new Counter({ name, help, labelNames, registers, collect() {
      this.reset();
      for (const [labels, value] of series()) this.inc(labels, value);
    } });
  }
}
