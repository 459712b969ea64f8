import type { Clock } from '../common/Clock.js';
import type { Random } from '../common/Random.js';
import type { DhtNode } from '../dht/DhtNode.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import type { BtSession } from '../session/BtSession.js';
import type { RateLimits } from '../node/RateLimits.js';
import type { ManagedTorrent } from './ManagedTorrent.js';

/** What every torrent of the daemon shares: the session (one port), the DHT, our identity, the limits, where state goes. */
export interface DaemonContext {
  session: BtSession;
  dht: DhtNode | undefined;
  clock: Clock;
  random: Random;
  diagnostics: Diagnostics;
  localPeerId: Buffer;
  /** The port peers reach us on (announced to trackers and the DHT). */
  peerPort: number;
  /** Where we dial from (`--bind`), if anywhere in particular. */
  localAddress: string | undefined;
  clientVersion: string;
  /** The global limits and each peer's: every torrent's own cascade into them. */
  limits: RateLimits;
  torrentFile(infoHash: string): string;
  resumeFile(infoHash: string): string;
  /** Something that is saved changed: the session file is written (before this resolves) and the views told. */
  changed(torrent: ManagedTorrent): Promise<void>;
  /** Something the views show changed. */
  notify(): void;
}
