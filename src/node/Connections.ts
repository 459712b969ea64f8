import type * as net from 'net';
import type { Cancel, Clock } from '../common/Clock.js';
import type { PeerInfo } from '../config/PeerInfo.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import { dialWithRetry, type Dial, type RetrySchedule } from '../net/Dialer.js';
import type { DisconnectReason } from '../net/ProtocolHandlers.js';
import { dialAddressFor, listenAddressFor } from '../net/hosts.js';
import { closeServer, listen } from '../net/Listener.js';
import { PeerConnection } from '../net/PeerConnection.js';
import type { CourseMembership } from '../swarm/CourseMembership.js';
import type { PieceGeometry } from '../wire/PieceGeometry.js';
import type { NeighborSession } from './NeighborSession.js';
import type { Direction } from './NodeEvents.js';
import type { PeerRegistry } from './PeerRegistry.js';
import type { NeighbourLimits, RateLimits } from './RateLimits.js';

export interface ConnectionsOptions {
  membership: CourseMembership;
  geometry: PieceGeometry;
  clock: Clock;
  diag: Diagnostics;
  registry: PeerRegistry;
  /** A session for a new connection, before its handshake. */
  newSession(direction: Direction, limits: NeighbourLimits, expectedPeerId?: number): NeighborSession;
  rateLimits: RateLimits;
  handshakeTimeoutMs: number;
  dialRetry: RetrySchedule;
  /** An earlier peer could not be reached after every attempt (it may have finished and left). */
  onUnreachable?(peerId: number): void;
}

/** How many times a lost connection to one earlier peer is dialled again before we give up on it. */
const MAX_REDIALS_PER_PEER = 10;

/**
 * The TCP side of a node: listens for the peers listed after us, dials those
 * listed before us (again, with back-off, when a connection drops), refuses
 * strangers beyond what the table allows, and closes everything at the end.
 */
export class Connections {
  private readonly open = new Set<PeerConnection>();
  private readonly dials: Dial[] = [];
  private readonly redials = new Map<number, number>();
  private readonly pendingRedials = new Set<Cancel>();
  private refusedInbound = 0;
  private server: net.Server | undefined;
  private closing = false;
  /** Paused: no listening, no dialling, no connections, until resumed. */
  private suspended = false;

  constructor(private readonly options: ConnectionsOptions) {}

  /** Binds the listening port (rejects with PortInUseError). */
  async listen(): Promise<void> {
    const { self } = this.options.membership;
    this.server = await listen(self.port, listenAddressFor(self.host), (socket) => this.accept(socket));
  }

  /** Dials the peers the membership names (the course: every peer listed before us). */
  dialEarlierPeers(): void {
    for (const peer of this.options.membership.peersToDial) this.dial(peer);
  }

  /**
   * A connection that drops before everyone is complete, or one closed before
   * its handshake, is dialled again by the side that dialled it first (we dial
   * the peers listed before us), after a growing pause.
   */
  redialIfLost(peerId: number): void {
    if (this.closing || this.suspended || this.options.registry.isBanned(peerId)) return;
    const peer = this.options.membership.redialTarget(peerId);
    if (!peer) return;
    const attempts = (this.redials.get(peerId) ?? 0) + 1;
    this.redials.set(peerId, attempts);
    if (attempts > MAX_REDIALS_PER_PEER) {
      this.options.diag.error(`lost peer ${peerId} ${MAX_REDIALS_PER_PEER} times: not dialling it again`);
      return;
    }
    // Back-off, so a peer that closes at once (its handshake table full) is not hammered.
    const delayMs = Math.min(100 * 2 ** (attempts - 1), 5_000);
    this.options.diag.warn(`dialling peer ${peerId} again in ${delayMs} ms (reconnection ${attempts} of at most ${MAX_REDIALS_PER_PEER})`);
    this.pendingRedials.add(
      this.options.clock.after(delayMs, () => {
        if (!this.closing && !this.suspended) this.dial(peer);
      }),
    );
  }

  /** Stops dialling and listening, and closes every connection after flushing what was written. */
  async closeAll(): Promise<void> {
    this.closing = true;
    await this.disconnectEverything({ kind: 'shutdown' });
  }

  /**
   * Pause: closes every connection and the listening port, and stops dialling.
   * A closed port (not a listening one that refuses) makes the later peers'
   * dials fail fast and keep retrying, so they find us again after resume.
   */
  async suspend(): Promise<void> {
    if (this.closing || this.suspended) return;
    this.suspended = true;
    await this.disconnectEverything({ kind: 'paused' });
  }

  /** Resume: listens again and dials the earlier peers afresh (rejects with PortInUseError). */
  async resume(): Promise<void> {
    if (this.closing || !this.suspended) return;
    await this.listen();
    this.suspended = false;
    this.redials.clear();
    this.dialEarlierPeers();
  }

  private async disconnectEverything(reason: DisconnectReason): Promise<void> {
    for (const cancel of this.pendingRedials) cancel();
    this.pendingRedials.clear();
    for (const dial of this.dials.splice(0)) dial.cancel();
    const serverClosed = this.server ? closeServer(this.server) : Promise.resolve();
    this.server = undefined;
    for (const connection of this.open) connection.close(reason);
    await Promise.all([...this.open].map((c) => c.closed));
    await serverClosed;
  }

  private dial(peer: PeerInfo): void {
    const { diag, clock } = this.options;
    const dial = dialWithRetry({
      host: dialAddressFor(peer.host),
      port: peer.port,
      clock,
      schedule: this.options.dialRetry,
      onRetry: (attempt, { phase, delayMs }, error) => {
        const where = `peer ${peer.peerId} at ${peer.host}:${peer.port}`;
        // Polling is said once, not every 50 ms; each back-off step is worth a line.
        if (phase === 'backing-off') diag.info(`${where} not reachable (${error.message}); attempt ${attempt + 1} in ${delayMs} ms`);
        else if (attempt === 1) diag.info(`${where} not listening yet (${error.message}); trying every ${delayMs} ms for ${this.options.dialRetry.pollWindowMs / 1000} s, then less often`);
      },
    });
    this.dials.push(dial);
    dial.socket.then(
      (socket) => this.connect(socket, 'outbound', peer.peerId),
      (error: Error) => {
        if (this.closing || this.suspended) return;
        // It may be paused or restarting: keep trying, within the redial budget, while it could still matter.
        diag.error(`peer ${peer.peerId} at ${peer.host}:${peer.port} still not reachable after every attempt: ${error.message}`);
        this.options.onUnreachable?.(peer.peerId);
        this.redialIfLost(peer.peerId);
      },
    );
  }

  /**
   * More connections waiting for their handshake than the membership expects
   * are strangers (scanners, floods), refused at once.
   */
  private accept(socket: net.Socket): void {
    const allowed = this.options.membership.maxWaitingHandshakes;
    const waiting = [...this.open].filter((c) => c.state === 'handshaking' && c.direction === 'inbound').length;
    if (waiting < allowed) return this.connect(socket, 'inbound');
    const from = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.destroy();
    // Logged on the first and every hundredth refusal, so a flood cannot flood the log too.
    if (this.refusedInbound++ % 100 === 0) {
      this.options.diag.warn(`refused a connection from ${from}: ${waiting} already waiting for a handshake (${this.refusedInbound} refused so far)`);
    }
  }

  private connect(socket: net.Socket, direction: Direction, expectedPeerId?: number): void {
    if (this.closing || this.suspended) {
      socket.destroy();
      return;
    }
    const { diag, registry } = this.options;
    const limits = this.options.rateLimits.forNeighbour();
    const session = this.options.newSession(direction, limits, expectedPeerId);
    const connection = new PeerConnection({
      socket,
      direction,
      localPeerId: this.options.membership.self.peerId,
      geometry: this.options.geometry,
      clock: this.options.clock,
      handlers: session,
      handshakeTimeoutMs: this.options.handshakeTimeoutMs,
      checkRemotePeerId: (peerId) => {
        // Protocol: a dialled peer must answer with the ID we dialled.
        if (expectedPeerId !== undefined && peerId !== expectedPeerId) return `we dialled peer ${expectedPeerId}`;
        return registry.refusalFor(peerId);
      },
      downloadThrottle: limits.download,
      trace: (way, description) => diag.debug(`${way === 'sent' ? 'to' : 'from'} ${connection.remotePeerId}: ${description}`),
    });
    session.bind(connection);
    this.open.add(connection);
    void connection.closed.then(() => {
      this.open.delete(connection);
      limits.release();
    });
  }
}
