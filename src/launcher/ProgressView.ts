import type { PeerRun } from './SwarmLauncher';
import { formatBytes } from './format';

/**
 * Shows each peer's pieces and download rate while the swarm runs: redrawn in
 * place on a terminal, one plain line per tick otherwise (CI logs, pipes).
 */
export class ProgressView {
  private timer: NodeJS.Timeout | undefined;
  private lastBytes = new Map<number, number>();
  private drawnLines = 0;

  constructor(
    private readonly runs: () => readonly PeerRun[],
    private readonly out: NodeJS.WriteStream,
    private readonly intervalMs = out.isTTY ? 500 : 2_000,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.draw(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.draw();
  }

  private draw(): void {
    const lines = this.runs().map((run) => this.describe(run));
    if (this.out.isTTY) {
      if (this.drawnLines > 0) this.out.write(`\x1b[${this.drawnLines}A`);
      for (const line of lines) this.out.write(`\x1b[2K${line}\n`);
      this.drawnLines = lines.length;
    } else {
      this.out.write(`progress: ${lines.map((l) => l.replace(/\s+/g, ' ')).join(' | ')}\n`);
    }
  }

  private describe(run: PeerRun): string {
    const id = run.peer.peerId;
    const before = this.lastBytes.get(id) ?? 0;
    this.lastBytes.set(id, run.bytesDownloaded);
    const rate = ((run.bytesDownloaded - before) * 1000) / this.intervalMs;
    const total = run.pieceCount || 1;
    const width = 20;
    const filled = Math.round((run.piecesHeld / total) * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const state = run.end
      ? ` ${describeEnd(run)}`
      : run.startedAtMs === undefined
        ? ' waiting to start'
        : run.pieceCount === 0
          ? ' starting'
          : '';
    return `${id} ${bar} ${run.piecesHeld}/${run.pieceCount} pieces  ${formatBytes(rate)}/s${state}`;
  }
}

export function describeEnd(run: PeerRun): string {
  const restarted = run.restarts > 0 ? ` (restarted ${run.restarts}x)` : '';
  return describeEndOnly(run) + restarted;
}

function describeEndOnly(run: PeerRun): string {
  const end = run.end;
  if (!end) return 'running';
  switch (end.kind) {
    case 'exited':
      return end.code === 0 ? 'done' : `exited with ${end.code ?? end.signal}`;
    case 'timed-out':
      return 'hung: stopped at the timeout';
    case 'stopped':
      return `stopped (${end.because})`;
    case 'not-started':
      return `not started (${end.because})`;
  }
}
