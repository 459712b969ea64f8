interface Waiter {
  index: number;
  held(): void;
  stopped(error: Error): void;
}

/** Readers of a torrent's files waiting for pieces (FileReader): each told once its piece is held, or that it will not come. */
export class PieceWaiters {
  private readonly waiters = new Set<Waiter>();

  /** Resolves once `held(index)` or `whereHeld` names the piece; rejects on `stopAll`, or when `signal` aborts. */
  wait(index: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (then: () => void) => {
        this.waiters.delete(waiter);
        signal.removeEventListener('abort', onAbort);
        then();
      };
      const waiter: Waiter = { index, held: () => settle(resolve), stopped: (error) => settle(() => reject(error)) };
      const onAbort = () => waiter.stopped(new Error('the reader went away'));
      signal.addEventListener('abort', onAbort);
      this.waiters.add(waiter);
    });
  }

  held(index: number): void {
    this.whereHeld((waited) => waited === index);
  }

  /** Every waiter whose piece `has` says is held (a check found it on disk). */
  whereHeld(has: (index: number) => boolean): void {
    for (const waiter of [...this.waiters]) if (has(waiter.index)) waiter.held();
  }

  stopAll(error: Error): void {
    for (const waiter of [...this.waiters]) waiter.stopped(error);
  }
}
