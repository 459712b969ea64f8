import type { PeerInfo } from '../config/PeerInfo.js';
import type { Bitfield } from '../core/Bitfield.js';

/** The course's peers finish within seconds of each other: half a minute alone means the others are gone. */
const DEFAULT_ALONE_TIMEOUT_MS = 30_000;

/**
 * Who a course peer's neighbours are, and when its swarm is done
 * (protocol.md): the static list of PeerInfo.cfg; each peer dials every peer
 * listed before it and is dialled by those after it; only listed peers are
 * admitted; the run ends once every listed peer holds the complete file. The
 * engine asks; the rules live here, so an open BitTorrent swarm can answer
 * the same questions its own way.
 */
export class CourseMembership {
  private readonly listed: ReadonlyMap<number, PeerInfo>;
  private readonly position: number;
  /** How long a complete peer left with no neighbour waits for one before it concludes the others finished. */
  readonly aloneTimeoutMs: number;
  /**
   * Started again from a resume state (after a crash), a complete peer that
   * cannot reach its earlier peers takes them to have finished and left; on a
   * first start an earlier peer may just be late, and is waited for.
   */
  readonly concludesAloneWhenUnreachable: boolean;

  constructor(
    readonly self: PeerInfo,
    readonly peers: readonly PeerInfo[],
    options: { aloneTimeoutMs?: number; resumed?: boolean } = {},
  ) {
    this.listed = new Map(peers.map((p) => [p.peerId, p]));
    this.position = peers.findIndex((p) => p.peerId === self.peerId);
    this.aloneTimeoutMs = options.aloneTimeoutMs ?? DEFAULT_ALONE_TIMEOUT_MS;
    this.concludesAloneWhenUnreachable = options.resumed === true;
  }

  /** protocol.md: a peer dials every peer listed before it. */
  get peersToDial(): readonly PeerInfo[] {
    return this.peers.slice(0, this.position);
  }

  /** A lost neighbour is dialled again by the side that dialled it first: ours are those listed before us. */
  redialTarget(peerId: number): PeerInfo | undefined {
    return this.peersToDial.find((p) => p.peerId === peerId);
  }

  /** Only the peers listed after us dial us: more handshakes waiting than that are strangers (scanners, floods). */
  get maxWaitingHandshakes(): number {
    return Math.max(4, this.peers.length - 1 - this.position);
  }

  /** protocol.md: a handshake must carry the ID of another peer listed in PeerInfo.cfg. */
  refusalFor(peerId: number): string | undefined {
    if (peerId === this.self.peerId) return 'that is our own peer ID';
    if (!this.listed.has(peerId)) return 'not listed in PeerInfo.cfg';
    return undefined;
  }

  /** Termination: we and every other listed peer (but those we stopped waiting for) hold the complete file, as far as we know. */
  isFinished(ours: Bitfield, lastKnown: (peerId: number) => Bitfield | undefined, waitedFor: (peerId: number) => boolean): boolean {
    if (!ours.isComplete) return false;
    for (const peerId of this.listed.keys()) {
      if (peerId === this.self.peerId || !waitedFor(peerId)) continue;
      if (!lastKnown(peerId)?.isComplete) return false;
    }
    return true;
  }
}
