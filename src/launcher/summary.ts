import type { SwarmRun } from './SwarmLauncher.js';
import { describeEnd } from './ProgressView.js';
import { fitTable, type TableColumn } from './fitTable.js';
import { formatBytes, formatSeconds } from './format.js';

/**
 * Peer, how it ended and when it completed always show; on a narrow terminal
 * the resources go first, then who traded with whom, then the byte counts.
 */
const COLUMNS: readonly TableColumn[] = [
  { header: 'peer' },
  { header: 'end', shrinks: true },
  { header: 'complete after' },
  { header: 'received', dropRank: 5 },
  { header: 'pieces from', dropRank: 3 },
  { header: 'sent', dropRank: 4 },
  { header: 'pieces to', dropRank: 2 },
  { header: 'peak memory', dropRank: 1 },
  { header: 'CPU', dropRank: 0 },
];

/**
 * The end-of-run table: per peer, time to complete, bytes in and out, from and
 * to whom, in at most `width` columns (see outputWidth).
 */
export function summaryTable(swarm: SwarmRun, width = Infinity): string {
  const rows = swarm.runs.map((run) => {
    const neighbours = [...run.neighbours].sort((a, b) => a.peerId - b.peerId);
    const from = neighbours.filter((n) => n.piecesDownloaded > 0).map((n) => `${n.peerId}:${n.piecesDownloaded}`);
    const to = neighbours.filter((n) => n.piecesUploaded > 0).map((n) => `${n.peerId}:${n.piecesUploaded}`);
    const took = run.peer.hasFile
      ? 'seeder'
      : run.completedAtMs !== undefined && run.startedAtMs !== undefined
        ? formatSeconds(run.completedAtMs - run.startedAtMs)
        : run.pieceCount > 0 && run.piecesHeld === run.pieceCount
          ? 'had it already'
          : 'incomplete';
    return [
      String(run.peer.peerId),
      describeEnd(run),
      took,
      formatBytes(run.bytesDownloaded),
      from.join(' ') || '-',
      formatBytes(run.bytesUploaded),
      to.join(' ') || '-',
      run.resources ? formatBytes(run.resources.maxRssBytes) : '-',
      run.resources ? formatSeconds(run.resources.cpuUserMs + run.resources.cpuSystemMs) : '-',
    ];
  });
  const { lines, hidden, fullWidth } = fitTable(COLUMNS, rows, width);
  if (hidden.length > 0) {
    const named = `(hidden to fit ${width} columns: ${hidden.join(', ')}; COLUMNS=${fullWidth} shows them)`;
    const counted = `(${hidden.length} columns hidden to fit ${width}: COLUMNS=${fullWidth} shows them)`;
    lines.push((named.length <= width ? named : counted).slice(0, width));
  }
  return lines.join('\n');
}
