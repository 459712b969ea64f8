/** The BEP 3 events; a regular re-announce carries none. */
export type AnnounceEvent = 'started' | 'completed' | 'stopped';

/** One announce, the same for HTTP and UDP trackers. */
export interface AnnounceRequest {
  infoHash: Buffer;
  peerId: Buffer;
  /** The port we listen on for peers. */
  port: number;
  uploaded: number;
  downloaded: number;
  left: number;
  event?: AnnounceEvent;
  numwant: number;
  /** A random number fixed for the session, so a tracker knows us if our address changes (BEP 3's `key`, BEP 15's key). */
  key: number;
  /** What this tracker asked us to send back (`tracker id`). */
  trackerId?: Buffer;
}

/** A peer as a tracker listed it, before any check. */
export interface ListedPeer {
  host: string;
  port: number;
  peerId?: Buffer;
}

export interface AnnounceReply {
  /** Seconds until the next regular announce, as the tracker asked (unchecked). */
  intervalS?: number;
  /** Seconds under which we must not re-announce (unchecked). */
  minIntervalS?: number;
  peers: ListedPeer[];
  warning?: string;
  trackerId?: Buffer;
  /** Our address as the tracker sees it (BEP 24): a listed peer there on our port is us. */
  externalIp?: string;
}

/** Why one announce to one tracker failed: each costs that announce only. */
export type TrackerFailureCode =
  | 'failure-reason' // the tracker refused us (`failure reason`, a UDP error action)
  | 'bad-reply' // not bencode, not a dictionary, a truncated UDP packet...
  | 'too-large' // the reply passed the byte cap: we stopped reading
  | 'http-status' // not 200
  | 'timeout'
  | 'network' // refused, unreachable, reset, name not found
  | 'cancelled'; // we stopped

export class TrackerError extends Error {
  constructor(
    readonly code: TrackerFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'TrackerError';
  }
}

/** Sends one announce to one tracker; rejects with a TrackerError. Aborting `signal` ends it at once. */
export type AnnounceTransport = (url: URL, request: AnnounceRequest, signal: AbortSignal) => Promise<AnnounceReply>;

/** Any failure as a TrackerError: a transport's own, or the reason its signal was aborted with. */
export function asTrackerError(error: unknown, signal: AbortSignal): TrackerError {
  if (signal.aborted && signal.reason instanceof TrackerError) return signal.reason;
  if (error instanceof TrackerError) return error;
  return new TrackerError('network', error instanceof Error ? error.message : String(error));
}
