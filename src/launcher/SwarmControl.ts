import type { PeerCommand } from '../control/PeerCommand.js';
import type { PeerStatus } from '../node/PeerStatus.js';
import type { PeerInfo } from '../config/PeerInfo.js';
import type { SwarmRun } from './SwarmLauncher.js';

/** Where a peer process is in its life, as the launcher sees it. */
export type PeerLifecycle = 'waiting' | 'starting' | 'running' | 'exited' | 'killed';

/** What a running swarm pushes to whoever watches it (the dashboard). */
export interface SwarmEvents {
  /** A peer's latest status, pushed by the peer at most a few times a second while something changes. */
  status: { peerId: number; status: PeerStatus };
  /** Protocol log sentences the peer wrote since its last batch, in order. */
  logLines: { peerId: number; lines: string[]; dropped: number };
  /** A peer started, exited, was killed or started again. */
  lifecycle: { peerId: number; state: PeerLifecycle; detail: string };
  /** Every peer has ended for good: the run is over, and this is how each peer ended. */
  ended: SwarmRun;
}

/**
 * A running swarm, as the dashboard sees it: what it pushes, and the buttons.
 * Implemented by the launcher over each peer's IPC channel.
 */
export interface SwarmControl {
  readonly peers: readonly PeerInfo[];
  /** The latest status of each peer that reported one. */
  statusOf(peerId: number): PeerStatus | undefined;
  lifecycleOf(peerId: number): PeerLifecycle;
  on<K extends keyof SwarmEvents>(event: K, listener: (payload: SwarmEvents[K]) => void): () => void;
  /** Sends a command to a running peer; rejects with a readable reason (not running, refused). */
  command(peerId: number, command: PeerCommand): Promise<void>;
  /** SIGKILL, like a crash; the swarm goes on without it. */
  kill(peerId: number): void;
  /** Starts a peer that exited or was killed again (it resumes from its file). */
  restart(peerId: number): void;
}
