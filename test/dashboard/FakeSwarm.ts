import type { PeerInfo } from '../../src/config/PeerInfo.js';
import { applyLimitChanges, type PeerCommand } from '../../src/control/PeerCommand.js';
import type { NeighbourStatus, PeerStatus } from '../../src/node/PeerStatus.js';
import type { RateLimitSettings } from '../../src/node/RateLimits.js';
import type { DashboardFacts } from '../../src/dashboard/messages.js';
import type { PeerLifecycle, SwarmControl, SwarmEvents } from '../../src/launcher/SwarmControl.js';
import type { PeerEnd, PeerRun } from '../../src/launcher/SwarmLauncher.js';

/** Header facts for a fake swarm of 64 pieces. */
export const FACTS: DashboardFacts = {
  title: 'swarmlab test',
  fileName: 'shared.dat',
  fileSize: 64 * 16_384,
  pieceCount: 64,
  preferredNeighbours: 2,
  unchokingIntervalSeconds: 2,
  optimisticIntervalSeconds: 4,
};

type Listener = (payload: never) => void;

interface FakePeer {
  info: PeerInfo;
  held: boolean[];
  state: PeerStatus['state'];
  lifecycle: PeerLifecycle;
  limits: RateLimitSettings;
}

/**
 * An in-memory swarm for the dashboard's tests: it pushes what the test tells
 * it to (statuses, log lines, lifecycle changes), records the commands it
 * receives, and acts on them the way real peers would (pause disconnects,
 * resume reconnects, kill ends the process). No timers: the test drives it.
 */
export class FakeSwarm implements SwarmControl {
  readonly peers: PeerInfo[];
  readonly commands: { peerId: number; command: PeerCommand }[] = [];
  readonly kills: number[] = [];
  readonly restarts: number[] = [];
  /** When set, command() rejects with this reason, as a refusing peer would. */
  refuseWith: string | undefined;
  private readonly state = new Map<number, FakePeer>();
  private readonly listeners = new Map<keyof SwarmEvents, Set<Listener>>();

  constructor(
    peerIds: number[],
    readonly pieceCount: number,
    seeders: number[] = [peerIds[0]],
  ) {
    this.peers = peerIds.map((peerId, i) => ({ peerId, host: '127.0.0.1', port: 7000 + i, hasFile: seeders.includes(peerId), line: i + 1 }));
    for (const info of this.peers) {
      this.state.set(info.peerId, { info, held: Array.from({ length: pieceCount }, () => info.hasFile), state: 'running', lifecycle: 'waiting', limits: {} });
    }
  }

  statusOf(peerId: number): PeerStatus | undefined {
    const peer = this.state.get(peerId);
    return peer && peer.lifecycle !== 'waiting' ? this.statusFor(peer) : undefined;
  }

  lifecycleOf(peerId: number): PeerLifecycle {
    return this.peer(peerId).lifecycle;
  }

  on<K extends keyof SwarmEvents>(event: K, listener: (payload: SwarmEvents[K]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    this.listeners.set(event, set);
    set.add(listener as Listener);
    return () => set.delete(listener as Listener);
  }

  listenerCount(): number {
    return [...this.listeners.values()].reduce((sum, set) => sum + set.size, 0);
  }

  async command(peerId: number, command: PeerCommand): Promise<void> {
    this.commands.push({ peerId, command });
    const peer = this.peer(peerId);
    if (this.refuseWith) throw new Error(this.refuseWith);
    if (peer.lifecycle !== 'running') throw new Error(`peer ${peerId} is not running`);
    if (command.kind === 'pause') peer.state = 'paused';
    if (command.kind === 'resume') peer.state = 'running';
    if (command.kind === 'set-limits') peer.limits = applyLimitChanges(peer.limits, command.limits);
    this.pushStatus(peerId);
  }

  kill(peerId: number): void {
    this.kills.push(peerId);
    this.setLifecycle(peerId, 'killed', 'SIGKILL from the dashboard');
  }

  restart(peerId: number): void {
    this.restarts.push(peerId);
    this.setLifecycle(peerId, 'running', 'started again');
  }

  // What the test drives.

  /** Every peer starts and reports its first status. */
  startAll(): void {
    for (const { peerId } of this.peers) this.setLifecycle(peerId, 'running', 'listening');
    for (const { peerId } of this.peers) this.pushStatus(peerId);
  }

  setLifecycle(peerId: number, state: PeerLifecycle, detail = ''): void {
    this.peer(peerId).lifecycle = state;
    this.emit('lifecycle', { peerId, state, detail });
  }

  /**
   * The run ends as the launcher's would: each peer's process is gone (exited
   * with 0 unless `ends` says otherwise), then 'ended' tells how each ended.
   */
  endRun(ends: Record<number, PeerEnd> = {}, timedOut = false): void {
    const runs: PeerRun[] = this.peers.map((info) => {
      const end = ends[info.peerId] ?? { kind: 'exited', code: 0, signal: null };
      if (this.lifecycleOf(info.peerId) !== 'killed') this.setLifecycle(info.peerId, 'exited', end.kind === 'exited' ? `exit ${end.code}` : end.kind);
      const piecesHeld = this.piecesHeld(info.peerId);
      return { peer: info, piecesHeld, pieceCount: this.pieceCount, bytesDownloaded: 0, bytesUploaded: 0, neighbours: [], tail: [], restarts: 0, end };
    });
    this.emit('ended', { runs, lastStartMs: 0, endedMs: 0, timedOut });
  }

  /** Gives a peer pieces (by index) and pushes its status. */
  givePieces(peerId: number, indices: number[]): void {
    for (const index of indices) this.peer(peerId).held[index] = true;
    this.pushStatus(peerId);
  }

  /** Each running, unpaused leecher gets its lowest missing piece, as a swarm would over a moment. */
  step(): void {
    for (const peer of this.state.values()) {
      if (peer.lifecycle !== 'running' || peer.state !== 'running') continue;
      const missing = peer.held.indexOf(false);
      if (missing >= 0) this.givePieces(peer.info.peerId, [missing]);
    }
  }

  piecesHeld(peerId: number): number {
    return this.peer(peerId).held.filter(Boolean).length;
  }

  pushStatus(peerId: number, overrides: Partial<PeerStatus> = {}): void {
    this.emit('status', { peerId, status: { ...this.statusFor(this.peer(peerId)), ...overrides } });
  }

  log(peerId: number, lines: string[], dropped = 0): void {
    this.emit('logLines', { peerId, lines, dropped });
  }

  private emit<K extends keyof SwarmEvents>(event: K, payload: SwarmEvents[K]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (p: SwarmEvents[K]) => void)(payload);
  }

  private peer(peerId: number): FakePeer {
    const peer = this.state.get(peerId);
    if (!peer) throw new Error(`the fake swarm has no peer ${peerId}`);
    return peer;
  }

  /**
   * Connected to every other running, unpaused peer; prefers the next two in
   * list order and optimistically unchokes the third: a matrix with every kind of cell.
   */
  private statusFor(peer: FakePeer): PeerStatus {
    const online = (p: FakePeer) => p.lifecycle === 'running' && p.state === 'running';
    const position = this.peers.indexOf(peer.info);
    // The peers after this one in list order, wrapping round.
    const ring = [...this.peers.slice(position + 1), ...this.peers.slice(0, position)].map((info) => this.peer(info.peerId));
    const ordered = online(peer) ? ring.filter(online) : [];
    const preferred = ordered.slice(0, 2).map((p) => p.info.peerId);
    const optimistic = ordered[2]?.info.peerId ?? null;
    const piecesHeld = peer.held.filter(Boolean).length;
    return {
      peerId: peer.info.peerId,
      state: peer.state,
      pieceCount: this.pieceCount,
      piecesHeld,
      bitfieldHex: bitfieldHex(peer.held),
      downloadRate: peer.info.hasFile ? 0 : 150_000,
      uploadRate: 80_000,
      bytesDownloaded: piecesHeld * 16_384,
      bytesUploaded: 0,
      preferred,
      optimistic,
      limits: { ...peer.limits },
      neighbours: ordered.map((other) => neighbour(other.info, peer.info, preferred.includes(other.info.peerId) || optimistic === other.info.peerId)),
    };
  }
}

/** Wire order: piece 0 is the high bit of byte 0. */
export function bitfieldHex(held: readonly boolean[]): string {
  const bytes = Buffer.alloc(Math.ceil(held.length / 8));
  held.forEach((has, i) => {
    if (has) bytes[i >> 3] |= 0x80 >> (i & 7);
  });
  return bytes.toString('hex');
}

function neighbour(other: PeerInfo, self: PeerInfo, unchoked: boolean): NeighbourStatus {
  return {
    peerId: other.peerId,
    direction: other.line < self.line ? 'outbound' : 'inbound',
    amChoking: !unchoked,
    amInterested: !self.hasFile,
    peerChoking: true,
    peerInterested: !other.hasFile,
    preferred: unchoked,
    optimistic: false,
    piecesHeld: 0,
    requestsInFlight: 0,
    downloadRate: 0,
    uploadRate: 0,
    bytesDownloaded: 0,
    bytesUploaded: 0,
  };
}
