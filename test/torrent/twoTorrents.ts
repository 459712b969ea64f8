import type { Duplex } from 'stream';
import { seededRandom } from '../../src/common/Random.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { routeHandshakes } from '../../src/net/bt/HandshakeRouter.js';
import { BlockGeometry } from '../../src/policy/blocks/BlockGeometry.js';
import type { DiscoveredPeer, PeerSource } from '../../src/swarm/PeerSource.js';
import { Torrent, type TorrentOptions } from '../../src/torrent/Torrent.js';
import { makePeerId } from '../../src/wire/bt/PeerId.js';
import { duplexPair } from '../support/duplexPair.js';
import { knownBytes } from '../support/fixtures.js';
import { ManualClock } from '../support/ManualClock.js';
import { MemoryTorrentData, checkerFor } from '../support/MemoryTorrentData.js';
import { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';

/** Seven pieces of 40,000 bytes (blocks of 16 KiB, 16 KiB and 7,232 bytes) and a short last one. */
export const PIECE_LENGTH = 40_000;
export const TOTAL_LENGTH = 7 * PIECE_LENGTH + 12_345;
export const INFO_HASH = Buffer.alloc(20, 0xab);

/** A source that reports a fixed list once, and remembers what it was told. */
export class ListSource implements PeerSource {
  readonly kind = 'static';
  completedCalls = 0;
  stopped = false;
  constructor(private readonly peers: DiscoveredPeer[]) {}
  start(found: (peers: readonly DiscoveredPeer[]) => void): void {
    found(this.peers);
  }
  completed(): void {
    this.completedCalls++;
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
}

export interface TorrentUnderTest {
  torrent: Torrent;
  data: MemoryTorrentData;
  source: ListSource;
  diagnostics: RecordingDiagnostics;
  completed: Promise<void>;
  /** The other end of every connection dialled to it, to accept. */
  acceptFrom(socket: Duplex, address: string): void;
}

/**
 * Torrents over an in-memory transport on one manual clock: `dialTargets`
 * maps an address to the torrent that answers there.
 */
export function memorySwarm(content = knownBytes(TOTAL_LENGTH)) {
  const clock = new ManualClock(1_000);
  const layout = new PieceLayout(content.length, PIECE_LENGTH);
  const geometry = new BlockGeometry(content.length, PIECE_LENGTH);
  const checker = checkerFor(content, layout);
  const byAddress = new Map<string, TorrentUnderTest>();
  let seed = 1;

  function add(address: string, options: { complete: boolean; peers?: string[]; more?: Partial<TorrentOptions> }): TorrentUnderTest {
    const data = new MemoryTorrentData(layout, options.complete ? content : undefined);
    const source = new ListSource((options.peers ?? []).map((peer) => ({ host: peer, port: 6881, source: 'static' as const })));
    const diagnostics = new RecordingDiagnostics();
    let complete!: () => void;
    const completed = new Promise<void>((resolve) => (complete = resolve));
    const random = seededRandom(seed++);
    const torrent = new Torrent({
      infoHash: INFO_HASH,
      geometry,
      checker,
      data,
      localPeerId: makePeerId(random, '0100'),
      listenPort: 6881,
      clientVersion: 'swarmlab 0.1.0',
      clock,
      random,
      diagnostics,
      sources: [source],
      dial: async (host) => {
        const target = byAddress.get(host);
        if (!target) throw new Error(`nobody at ${host}`);
        const [ours, theirs] = duplexPair();
        target.acceptFrom(theirs, `${address}:50000`);
        return ours;
      },
      traceMessages: true,
      onComplete: () => complete(),
      ...options.more,
    });
    const router = routeHandshakes({ clock, timeoutMs: 10_000, route: (head, socket, from, rest) => torrent.accept(socket, from, head, rest) });
    const entry: TorrentUnderTest = { torrent, data, source, diagnostics, completed, acceptFrom: router };
    byAddress.set(address, entry);
    return entry;
  }

  return { clock, layout, geometry, content, add };
}
