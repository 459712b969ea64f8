import type { ServerResponse } from 'http';
import type { Clock } from '../../common/Clock.js';
import type { DaemonControl } from '../DaemonControl.js';

/** At most one `torrents` event per this, however often torrents change. */
export const TORRENTS_EVENT_INTERVAL_MS = 1000;
/** A comment line this often keeps proxies and browsers from closing an idle stream. */
export const KEEP_ALIVE_INTERVAL_MS = 15_000;
/** Past this many bytes not yet taken by a client, its events are skipped (it gets the whole list again once it catches up). */
export const MAX_UNSENT_EVENT_BYTES = 1 << 20;

/** Where the events go: a ServerResponse, or a stand-in in tests. */
export interface EventSink {
  readonly writableLength: number;
  write(chunk: string): unknown;
  once(event: 'drain', listener: () => void): unknown;
}

type DaemonEvents = Pick<DaemonControl, 'list' | 'onChange' | 'onRemoved'>;

/** Answers GET /events: the stream's headers, then the events until the client goes. */
export function streamEvents(res: ServerResponse, daemon: DaemonEvents, clock: Clock): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
  const stop = followEvents(res, daemon, clock);
  res.on('close', stop);
}

/**
 * Writes the daemon's events to `sink` as server-sent events (contract.ts,
 * DaemonEvent): the whole list at once, then again at most once per interval
 * while torrents change; each removal as it happens; a keep-alive comment.
 * A client that does not read stops being written to once `maxUnsentBytes`
 * wait for it, so it cannot make the server buffer without bound; when it
 * catches up it gets the whole list, which says all it missed.
 * Returns the stop.
 */
export function followEvents(sink: EventSink, daemon: DaemonEvents, clock: Clock, maxUnsentBytes = MAX_UNSENT_EVENT_BYTES): () => void {
  let lastListAtMs = -Infinity;
  let pendingList: (() => void) | undefined;
  let waitingForDrain = false;
  let stopped = false;

  /** `text` is made only when it will be written: a client that does not read costs no list. */
  const send = (text: () => string) => {
    if (stopped) return;
    if (sink.writableLength <= maxUnsentBytes) return void sink.write(text());
    if (waitingForDrain) return;
    waitingForDrain = true;
    sink.once('drain', () => {
      waitingForDrain = false;
      listSoon();
    });
  };
  const sendList = () => {
    pendingList = undefined;
    lastListAtMs = clock.now();
    send(() => eventText('torrents', { torrents: daemon.list() }));
  };
  const listSoon = () => {
    if (pendingList) return;
    const waitMs = lastListAtMs + TORRENTS_EVENT_INTERVAL_MS - clock.now();
    if (waitMs <= 0) sendList();
    else pendingList = clock.after(waitMs, sendList);
  };

  sendList();
  const stops = [
    daemon.onChange(listSoon),
    daemon.onRemoved((id) => send(() => eventText('removed', { id }))),
    clock.every(KEEP_ALIVE_INTERVAL_MS, () => send(() => ': keep-alive\n\n')),
  ];
  return () => {
    stopped = true;
    for (const stop of stops) stop();
    pendingList?.();
  };
}

/** One event: its name, its data on one line (JSON has no raw newline), and the blank line that ends it. */
export function eventText(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
