import type { SwarmRun } from './SwarmLauncher';
import { describeEnd } from './ProgressView';
import { formatBytes, formatSeconds, table } from './format';

/** The end-of-run table: per peer, time to complete, bytes in and out, from and to whom. */
export function summaryTable(swarm: SwarmRun): string {
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
  return table(['peer', 'end', 'complete after', 'received', 'pieces from', 'sent', 'pieces to', 'peak memory', 'CPU'], rows);
}
