import type { ApiClient } from '../daemon/api/ApiClient.js';
import { describeDone, describeFailed, initialState, pressKey, withConnection, withDetail, withEvent, withMessage, withTorrents, type DaemonCommand, type TopKey, type TopState } from './model.js';

/** The part of the API `swarmlab top` uses. */
export type TopClient = Pick<ApiClient, 'list' | 'get' | 'peers' | 'act' | 'remove' | 'events'>;

/** Waits `ms`, or less if `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** The list is polled, and the selected torrent's detail fetched, this often. */
export const REFRESH_MS = 1000;

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/**
 * Keeps `swarmlab top`'s state up to date from the daemon and carries out
 * what keys ask: follows GET /events (polling list() once a second while the
 * stream fails), fetches the selected torrent's peers or files once a second.
 */
export class TopSession {
  private current: TopState;
  private readonly listeners = new Set<(state: TopState) => void>();
  private readonly stopped = new AbortController();
  /** Ends the detail loop's wait early when the selection or the pane changes. */
  private wakeDetail = new AbortController();

  constructor(
    private readonly client: TopClient,
    first: TopState['torrents'],
    private readonly sleep: Sleep = realSleep,
  ) {
    this.current = initialState(first);
  }

  get state(): TopState {
    return this.current;
  }

  /** Calls `listener` on every change; returns how to stop. */
  subscribe(listener: (state: TopState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    void this.followList();
    void this.followDetail();
  }

  close(): void {
    this.stopped.abort();
  }

  /** A key press; true if it asks to quit. */
  press(key: TopKey): boolean {
    const { state, command } = pressKey(this.current, key);
    this.update(state);
    if (command?.kind === 'quit') return true;
    if (command) void this.carryOut(command);
    return false;
  }

  private update(state: TopState): void {
    const before = this.current;
    if (state === before) return;
    this.current = state;
    if (state.selectedId !== before.selectedId || state.pane !== before.pane) this.wakeDetail.abort();
    for (const listener of this.listeners) listener(state);
  }

  private async followList(): Promise<void> {
    const signal = this.stopped.signal;
    while (!signal.aborted) {
      try {
        await this.client.events((event) => this.update(withEvent(this.current, event)), signal);
      } catch {
        // the stream failed: poll below until it can be followed again
      }
      if (signal.aborted) return;
      try {
        const torrents = await this.client.list();
        this.update(withConnection(withTorrents(this.current, torrents), 'polling'));
      } catch {
        this.update(withConnection(this.current, 'reconnecting'));
      }
      await this.sleep(REFRESH_MS, signal);
    }
  }

  private async followDetail(): Promise<void> {
    const signal = this.stopped.signal;
    while (!signal.aborted) {
      this.wakeDetail = new AbortController();
      const { selectedId: id, pane } = this.current;
      if (id !== null) {
        try {
          this.update(withDetail(this.current, id, pane === 'peers' ? { peers: await this.client.peers(id) } : { files: (await this.client.get(id)).files }));
        } catch {
          // gone or unreachable: the list's own loop says so; try again next time
        }
      }
      await this.sleep(REFRESH_MS, AbortSignal.any([signal, this.wakeDetail.signal]));
    }
  }

  private async carryOut(command: DaemonCommand): Promise<void> {
    try {
      if (command.kind === 'act') await this.client.act(command.id, command.action);
      else await this.client.remove(command.id, command.deleteData);
      this.update(withMessage(this.current, describeDone(command)));
    } catch (error) {
      this.update(withMessage(this.current, describeFailed(command, error instanceof Error ? error.message : String(error)), true));
    }
  }
}
