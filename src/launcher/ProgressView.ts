import { MultiBar, type SingleBar } from 'cli-progress';
import type { PeerRun } from './SwarmLauncher.js';
import { formatBytes } from './format.js';
import { progressLine, type ProgressFields } from './progressLine.js';
import { outputWidth } from './terminalWidth.js';

/**
 * Shows each peer's pieces and download rate while the swarm runs: a progress
 * bar per peer on a terminal (cli-progress), each fitting its width as it is
 * now, one plain line per tick otherwise (CI logs, pipes).
 */
export class ProgressView {
  private timer: NodeJS.Timeout | undefined;
  private readonly lastBytes = new Map<number, number>();
  private multibar: MultiBar | undefined;
  private readonly bars = new Map<number, SingleBar>();

  constructor(
    private readonly runs: () => readonly PeerRun[],
    private readonly out: NodeJS.WriteStream,
    private readonly intervalMs = out.isTTY ? 500 : 2_000,
  ) {}

  start(): void {
    if (this.out.isTTY) {
      this.multibar = new MultiBar(
        {
          stream: this.out,
          // One column short of the edge: a line that fills the last one leaves the cursor waiting to wrap.
          format: (_options, _params, fields: ProgressFields) => progressLine(fields, outputWidth(this.out) - 1),
          hideCursor: true,
          clearOnComplete: false,
        },
      );
    }
    this.timer = setInterval(() => this.draw(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.draw();
    this.multibar?.stop();
  }

  private draw(): void {
    const runs = this.runs();
    if (!this.multibar) {
      this.out.write(`progress: ${runs.map((run) => this.describe(run)).join(' | ')}\n`);
      return;
    }
    for (const run of runs) {
      const id = run.peer.peerId;
      const payload: ProgressFields = { peer: String(id), piecesHeld: run.piecesHeld, pieceCount: run.pieceCount, rate: formatBytes(this.rateOf(run)), state: stateOf(run) };
      let bar = this.bars.get(id);
      if (!bar) this.bars.set(id, (bar = this.multibar.create(Math.max(run.pieceCount, 1), run.piecesHeld, payload)));
      bar.setTotal(Math.max(run.pieceCount, 1));
      bar.update(run.piecesHeld, payload);
    }
  }

  private describe(run: PeerRun): string {
    const state = stateOf(run);
    return `${run.peer.peerId} ${run.piecesHeld}/${run.pieceCount} pieces ${formatBytes(this.rateOf(run))}/s${state ? ` ${state}` : ''}`;
  }

  /** Bytes per second downloaded since the last tick. */
  private rateOf(run: PeerRun): number {
    const before = this.lastBytes.get(run.peer.peerId) ?? 0;
    this.lastBytes.set(run.peer.peerId, run.bytesDownloaded);
    // A peer started again counts its bytes from zero: its first tick then shows its new bytes, not a negative rate.
    const delta = run.bytesDownloaded >= before ? run.bytesDownloaded - before : run.bytesDownloaded;
    return (delta * 1000) / this.intervalMs;
  }
}

function stateOf(run: PeerRun): string {
  if (run.end) return describeEnd(run);
  if (run.startedAtMs === undefined) return 'waiting to start';
  return run.pieceCount === 0 ? 'starting' : '';
}

/** A peer that exited 0: it finished. Anything else (a failure, a kill, a stop) is said by describeEnd. */
export function finishedCleanly(run: PeerRun): boolean {
  return run.end?.kind === 'exited' && run.end.code === 0;
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
