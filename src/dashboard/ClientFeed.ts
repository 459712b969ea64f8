import type { PeerStatus } from '../node/PeerStatus.js';
import type { LogEntry, RunEnd, ServerMessage } from './messages.js';

/** The part of a WebSocket a feed uses (tests pass a fake). */
export interface FeedSocket {
  /** Bytes queued by send() and not yet handed to the kernel. */
  readonly bufferedAmount: number;
  send(text: string): void;
}

export interface FeedLimits {
  /** Log lines kept for a client between flushes; older ones are dropped and counted. */
  maxLogLines: number;
  /** Past this many unsent bytes the client is falling behind: nothing more is queued until it drains. */
  maxBufferedBytes: number;
}

/**
 * What one page has yet to be sent, flushed on the server's beat. A status
 * replaces the one of the same peer still waiting (the page only draws the
 * latest), log lines are kept up to a cap, and nothing is queued on a socket
 * that has not drained: a slow page costs bounded memory and sees fewer frames,
 * never a growing backlog.
 */
export class ClientFeed {
  private readonly statuses = new Map<number, PeerStatus>();
  private log: LogEntry[] = [];
  private droppedLines = 0;
  private lifecycles: ServerMessage[] = [];
  private runEnd: RunEnd | undefined;

  constructor(
    private readonly socket: FeedSocket,
    private readonly limits: FeedLimits,
  ) {}

  status(status: PeerStatus): void {
    this.statuses.set(status.peerId, status);
  }

  logLines(peerId: number, lines: readonly string[], dropped: number): void {
    this.droppedLines += dropped;
    for (const line of lines) this.log.push({ peerId, line });
    const excess = this.log.length - this.limits.maxLogLines;
    if (excess > 0) {
      this.log = this.log.slice(excess);
      this.droppedLines += excess;
    }
  }

  /** Lifecycle changes are rare and each one matters (killed, started again): kept in order, the newest up to the same cap. */
  lifecycle(message: Extract<ServerMessage, { type: 'lifecycle' }>): void {
    this.lifecycles.push(message);
    if (this.lifecycles.length > this.limits.maxLogLines) this.lifecycles.shift();
  }

  /** The run is over: sent after everything else of its beat, since the peers' last statuses and lines came before it. */
  ended(runEnd: RunEnd): void {
    this.runEnd = runEnd;
  }

  /** Sends what is waiting, unless the socket still holds more than the cap. Returns whether it sent. */
  flush(): boolean {
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) return false;
    for (const message of this.lifecycles) this.send(message);
    this.lifecycles = [];
    if (this.statuses.size > 0) this.send({ type: 'status', statuses: [...this.statuses.values()] });
    this.statuses.clear();
    if (this.log.length > 0 || this.droppedLines > 0) this.send({ type: 'log', entries: this.log, dropped: this.droppedLines });
    this.log = [];
    this.droppedLines = 0;
    if (this.runEnd) this.send({ type: 'ended', ...this.runEnd });
    this.runEnd = undefined;
    return true;
  }

  /** A direct reply (a command's result); dropped, like everything else, for a client that does not read. */
  reply(message: ServerMessage): void {
    if (this.socket.bufferedAmount <= this.limits.maxBufferedBytes) this.send(message);
  }

  private send(message: ServerMessage): void {
    this.socket.send(JSON.stringify(message));
  }
}
