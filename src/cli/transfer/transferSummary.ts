import { fitTable, type TableColumn } from '../../launcher/fitTable.js';
import { formatBytes, formatDuration, formatRate, formatSeconds } from '../../launcher/format.js';
import { printable } from '../../metainfo/pathSegments.js';
import type { PeerFigures, TransferSnapshot } from './TransferSnapshot.js';

/** The bytes of this run per client name (`aria2/1.37.0`), over all its peers. */
interface ClientTotals {
  client: string;
  peers: number;
  down: number;
  up: number;
}

/** The client's name always shows; it is cut short before the byte counts are. */
const COLUMNS: readonly TableColumn[] = [{ header: 'client', shrinks: true }, { header: 'peers' }, { header: 'down' }, { header: 'up' }];

/**
 * The end of a run: what was downloaded (and verified) and uploaded, how long
 * it took, then the bytes per client, most downloaded first (for a seed, which
 * downloads nothing: most uploaded first), in at most `width` columns.
 */
export function transferSummary(s: TransferSnapshot, width = Infinity): string[] {
  const clients = byClient(s.peers);
  const down = clients.reduce((sum, c) => sum + c.down, 0);
  const up = clients.reduce((sum, c) => sum + c.up, 0);
  const name = printable(s.name);
  const runMs = s.atMs - s.startedAtMs;
  const verified = `verified ${s.piecesDone === s.pieceCount ? s.pieceCount : `${s.piecesDone} of ${s.pieceCount}`} pieces`;
  const lines: string[] = [];
  if (down > 0 || s.piecesDone < s.pieceCount) lines.push(`downloaded ${name}: ${moved(down, (s.completedAtMs ?? s.atMs) - s.startedAtMs)}, ${verified}`);
  if (up > 0) lines.push(`uploaded ${name}: ${moved(up, runMs)}`);
  if (lines.length === 0) lines.push(`${name}: nothing sent or received in ${elapsed(runMs)}, ${verified}`);
  if (clients.length === 0) return [...lines, 'no peers connected'];
  const bySize = down > 0 ? (c: ClientTotals) => [c.down, c.up] : (c: ClientTotals) => [c.up, c.down];
  clients.sort((a, b) => {
    const [a1, a2] = bySize(a);
    const [b1, b2] = bySize(b);
    return b1 - a1 || b2 - a2 || a.client.localeCompare(b.client);
  });
  const rows = clients.map((c) => [printable(c.client), String(c.peers), formatBytes(c.down), formatBytes(c.up)]);
  return [...lines, ...fitTable(COLUMNS, rows, width).lines];
}

function byClient(peers: readonly PeerFigures[]): ClientTotals[] {
  const totals = new Map<string, ClientTotals>();
  for (const peer of peers) {
    const client = totals.get(peer.client) ?? { client: peer.client, peers: 0, down: 0, up: 0 };
    client.peers++;
    client.down += peer.bytesDownloaded;
    client.up += peer.bytesUploaded;
    totals.set(peer.client, client);
  }
  return [...totals.values()];
}

/** `512.0 MiB in 12.30 s (avg 41.6 MiB/s)` */
function moved(bytes: number, ms: number): string {
  return `${formatBytes(bytes)} in ${elapsed(ms)} (avg ${formatRate(ms > 0 ? (bytes * 1000) / ms : 0)})`;
}

/** Seconds with hundredths for a short run, minutes and hours for a long one (`1h 05m`). */
function elapsed(ms: number): string {
  return ms < 60_000 ? formatSeconds(ms) : formatDuration(ms);
}
