import type { Cancel, Clock } from '../../common/Clock.js';
import { shorten } from '../../launcher/fitTable.js';
import { outputWidth, type OutputStream } from '../../launcher/terminalWidth.js';
import type { HashProgress } from '../../storage/pieceHashes.js';
import type { TransferPhase, TransferSnapshot } from './TransferSnapshot.js';
import { checkingLine, plainTransferLine, transferLine } from './transferLine.js';

/** Where the view writes: process.stdout or process.stderr, or a fake in tests. */
export interface TransferOutput extends OutputStream {
  write(text: string): boolean;
}

export interface TransferViewOptions {
  clock: Clock;
  /** On a terminal: the shortest time between two redraws. */
  redrawMs?: number;
  /** Elsewhere: the time between two plain lines (a new phase prints at once). */
  plainEveryMs?: number;
  /** COLUMNS, when set, wins over the terminal's width (see outputWidth). */
  env?: NodeJS.ProcessEnv;
}

/** One thing to show: the same state for a terminal and for a log. */
interface Shown {
  phase: TransferPhase;
  onTerminal(width: number): string;
  plain(): string;
  /** The last line of its phase (a finished check): shown at once, whatever the interval. */
  final: boolean;
}

/** Carriage return, then erase the whole line: the next line is drawn over the last. */
const REDRAW = '\r\x1b[2K';

/**
 * Shows the engine's snapshots as they come, as often as the output can take
 * them: on a terminal one line redrawn in place, at most every `redrawMs`
 * (the latest snapshot is drawn when that time comes); elsewhere (a pipe, a
 * file, CI) a plain line every `plainEveryMs` and at each new phase. A line of
 * a phase that ends stays on the terminal; the next phase starts its own.
 */
export class TransferView {
  private readonly clock: Clock;
  private readonly redrawMs: number;
  private readonly plainEveryMs: number;
  private readonly env: NodeJS.ProcessEnv;
  private shownPhase: TransferPhase | undefined;
  private shownAtMs = -Infinity;
  /** The latest state not shown yet (throttled). */
  private pending: Shown | undefined;
  private cancelRedraw: Cancel | undefined;
  private check: { startedAtMs: number; bytesAtStart: number } | undefined;
  private stopped = false;

  constructor(
    private readonly out: TransferOutput,
    options: TransferViewOptions,
  ) {
    this.clock = options.clock;
    this.redrawMs = options.redrawMs ?? 200;
    this.plainEveryMs = options.plainEveryMs ?? 5_000;
    this.env = options.env ?? process.env;
  }

  show(snapshot: TransferSnapshot): void {
    this.offer({
      phase: snapshot.phase,
      onTerminal: (width) => transferLine(snapshot, width),
      plain: () => plainTransferLine(snapshot),
      final: false,
    });
  }

  /** The recheck of the data on disk, as hashFiles reports it; its rate is measured from its first report. */
  showCheck(progress: HashProgress): void {
    const now = this.clock.now();
    if (this.shownPhase !== 'checking') this.check = undefined;
    this.check ??= { startedAtMs: now, bytesAtStart: progress.bytesDone };
    const elapsedMs = now - this.check.startedAtMs;
    const rate = elapsedMs > 0 ? ((progress.bytesDone - this.check.bytesAtStart) * 1000) / elapsedMs : undefined;
    const line = checkingLine(progress, rate);
    this.offer({ phase: 'checking', onTerminal: (width) => shorten(line, width), plain: () => line, final: progress.piecesDone === progress.pieceCount });
  }

  /** Shows what is pending and, on a terminal, ends the line, so what follows starts on a line of its own. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelRedraw?.();
    if (this.pending) this.write(this.pending);
    if (this.out.isTTY && this.shownPhase !== undefined) this.out.write('\n');
  }

  private offer(shown: Shown): void {
    if (this.stopped) return;
    const newPhase = shown.phase !== this.shownPhase;
    if (this.out.isTTY && newPhase && this.shownPhase !== undefined) {
      // The ended phase's line stays, showing its latest state.
      if (this.pending) this.write(this.pending);
      this.out.write('\n');
    }
    const everyMs = this.out.isTTY ? this.redrawMs : this.plainEveryMs;
    if (newPhase || shown.final || this.clock.now() - this.shownAtMs >= everyMs) {
      this.write(shown);
      return;
    }
    this.pending = shown;
    // A log only gets its next line when one is due; a terminal also redraws the last state when nothing follows it.
    if (this.out.isTTY && !this.cancelRedraw) {
      this.cancelRedraw = this.clock.after(this.shownAtMs + everyMs - this.clock.now(), () => {
        this.cancelRedraw = undefined;
        if (this.pending) this.write(this.pending);
      });
    }
  }

  private write(shown: Shown): void {
    this.cancelRedraw?.();
    this.cancelRedraw = undefined;
    this.pending = undefined;
    this.shownPhase = shown.phase;
    this.shownAtMs = this.clock.now();
    // One column short of the edge: a line that fills the last one leaves the cursor waiting to wrap.
    if (this.out.isTTY) this.out.write(REDRAW + shown.onTerminal(outputWidth(this.out, this.env) - 1));
    else this.out.write(`${shown.plain()}\n`);
  }
}
