import { seededRandom } from '../../src/common/Random.js';
import type { DiscoveredPeer, TransferStats } from '../../src/swarm/PeerSource.js';
import { TrackerSource } from '../../src/swarm/tracker/TrackerSource.js';
import { startTrackerServer, type RunningTracker, type TrackerAnnounce } from '../../src/tracker/TrackerServer.js';
import { ManualClock } from '../support/ManualClock.js';
import { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';
import { LOOPBACK } from '../support/sockets.js';
import { eventually } from '../support/polling.js';
import { Waiters } from '../support/waiting.js';

const INFO_HASH = Buffer.from('5a'.repeat(20), 'hex');

/** One of our peers, as the tracker sees it: a TrackerSource on its own port, keeping every batch of peers it is given. */
class Member {
  readonly batches: DiscoveredPeer[][] = [];
  readonly stats: TransferStats = { uploaded: 0, downloaded: 0, left: 1000 };
  readonly source: TrackerSource;
  private readonly diagnostics = new RecordingDiagnostics();

  constructor(
    readonly port: number,
    announce: string,
    clock: ManualClock,
  ) {
    this.source = new TrackerSource({
      infoHash: INFO_HASH,
      peerId: Buffer.from(`-SL0100-member${String(port).padStart(6, '0')}`),
      port,
      tiers: [[announce]],
      stats: () => ({ ...this.stats }),
      clock,
      random: seededRandom(port),
      diagnostics: this.diagnostics,
      localAddress: LOOPBACK,
    });
  }

  start(): void {
    this.source.start((peers) => {
      this.batches.push([...peers]);
    });
  }

  /** Resolves once `count` announces have been answered (each answer writes one info line). */
  answered(count: number): Promise<unknown> {
    return eventually(() => this.diagnostics.at('info').length >= count, `${count} answers to the peer on port ${this.port}`);
  }

  /** The ports of the peers the last reply gave, sorted. */
  lastPorts(): number[] {
    return (this.batches[this.batches.length - 1] ?? []).map((p) => p.port).sort((x, y) => x - y);
  }
}

describe.each(['http', 'udp'] as const)('TrackerSource with bittorrent-tracker\'s server over %s', (protocol) => {
  let tracker: RunningTracker;
  const clock = new ManualClock();
  const members: Member[] = [];
  beforeEach(async () => {
    tracker = await startTrackerServer({ port: 0, bind: LOOPBACK });
  });
  afterEach(async () => {
    await Promise.all(members.splice(0).map((m) => m.source.stop()));
    await tracker.close();
  });

  const member = (port: number) => {
    const m = new Member(port, protocol === 'http' ? tracker.httpUrl : tracker.udpUrl, clock);
    members.push(m);
    return m;
  };

  test('three sources see each other, never themselves', async () => {
    const [a, b, c] = [member(7101), member(7102), member(7103)];
    a.start();
    await a.answered(1);
    b.start();
    await b.answered(1);
    c.start();
    await c.answered(1);
    // The tracker lists the asking peer too; each source leaves itself out.
    expect(a.batches).toEqual([]);
    expect(b.lastPorts()).toEqual([7101]);
    expect(c.lastPorts()).toEqual([7101, 7102]);
    expect(b.batches[0][0]).toEqual({ host: '127.0.0.1', port: 7101, source: 'tracker' });
    // The tracker's interval (600 s) later, every source announces again and sees the other two.
    clock.advance(600_000);
    await Promise.all([a.answered(2), b.answered(2), c.answered(2)]);
    expect(a.lastPorts()).toEqual([7102, 7103]);
    expect(b.lastPorts()).toEqual([7101, 7103]);
    expect(c.lastPorts()).toEqual([7101, 7102]);
  });

  test('started, completed and stopped reach the tracker, with our figures', async () => {
    const seen: TrackerAnnounce[] = [];
    const waiters = new Waiters();
    tracker.onAnnounce((announce) => {
      seen.push(announce);
      waiters.notify();
    });
    const heard = (count: number) => waiters.until(() => seen.length >= count, `${count} announces at the tracker`);
    const m = member(7104);
    m.start();
    await heard(1);
    expect(tracker.swarm(INFO_HASH)).toEqual({ seeders: 0, leechers: 1 });
    m.stats.left = 0;
    m.stats.downloaded = 1000;
    m.source.completed();
    await heard(2);
    expect(tracker.swarm(INFO_HASH)).toEqual({ seeders: 1, leechers: 0 });
    await m.source.stop();
    await heard(3);
    expect(tracker.swarm(INFO_HASH)).toEqual({ seeders: 0, leechers: 0 });
    expect(seen.map((a) => [a.event, a.protocol, a.peer, a.left])).toEqual([
      ['started', protocol, '127.0.0.1:7104', 1000],
      ['completed', protocol, '127.0.0.1:7104', 0],
      ['stopped', protocol, '127.0.0.1:7104', 0],
    ]);
    expect(seen[0].peerIdHex).toBe(Buffer.from('-SL0100-member007104').toString('hex'));
  });

  test('a download that stops as it completes still says completed, then stopped', async () => {
    const seen: TrackerAnnounce[] = [];
    const waiters = new Waiters();
    tracker.onAnnounce((announce) => {
      seen.push(announce);
      waiters.notify();
    });
    const m = member(7105);
    m.start();
    await m.answered(1);
    m.stats.left = 0;
    m.source.completed(); // its announce is under way when the stop comes
    await m.source.stop();
    await waiters.until(() => seen.length >= 3, () => `three announces at the tracker, got ${seen.map((a) => a.event).join(', ')}`);
    expect(seen.map((a) => a.event)).toEqual(['started', 'completed', 'stopped']);
  });
});
