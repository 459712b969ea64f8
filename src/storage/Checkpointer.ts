import type { Cancel, Clock } from '../common/Clock.js';

/**
 * When a store's resume state is saved: some time after a change, so that a
 * burst of changes costs one save (PieceStore's reasoning: once a second, a
 * crash costs at most a second of pieces), or at once when asked. One save
 * runs at a time; a save that fails leaves the changes pending, so the next
 * one (or the caller's own `flush`) tries again and reports it.
 */
export class Checkpointer {
  private pending = false;
  private cancelTimer: Cancel | undefined;
  private running: Promise<void> | undefined;

  constructor(
    /** Saves the state as it is when called (it takes its own snapshot first). */
    private readonly save: () => Promise<void>,
    private readonly clock: Clock,
    private readonly delayMs: number,
  ) {}

  /** Something to save changed: saved after the delay, or started at once when `now`. */
  changed(now = false): void {
    this.pending = true;
    if (now) {
      this.flushInBackground();
      return;
    }
    this.cancelTimer ??= this.clock.after(this.delayMs, () => {
      this.cancelTimer = undefined;
      this.flushInBackground();
    });
  }

  /** Saves now if anything changed since the last save began (after the running save, if any). */
  async flush(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    while (this.running) await this.running;
    if (!this.pending) return;
    this.pending = false;
    this.running = this.save()
      .catch((error: unknown) => {
        this.pending = true;
        throw error;
      })
      .finally(() => (this.running = undefined));
    await this.running;
  }

  private flushInBackground(): void {
    // Its error is not lost: the changes stay pending, and the next flush reports it.
    this.flush().catch(() => undefined);
  }
}
