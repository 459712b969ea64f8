import type { Random } from '../../src/common/Random.js';
import type { DiscoveredPeer } from '../../src/swarm/PeerSource.js';
import { TrackerError, type AnnounceReply, type AnnounceRequest, type AnnounceTransport } from '../../src/swarm/tracker/announce.js';
import type { AnnounceTiming } from '../../src/swarm/tracker/announceTiming.js';
import { TrackerSource, type TrackerSourceOptions } from '../../src/swarm/tracker/TrackerSource.js';
import { ManualClock } from '../support/ManualClock.js';
import { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';
import { turnEventLoop } from '../support/waiting.js';

/** An announce the source made, answered by the test. */
interface Call {
  url: string;
  request: AnnounceRequest;
  signal: AbortSignal;
  answer(reply?: Partial<AnnounceReply>): void;
  fail(message?: string): void;
}

/** Trackers that answer only when the test says so: the source's decisions, without sockets or real time. */
class ScriptedTrackers {
  readonly calls: Call[] = [];
  readonly transport: AnnounceTransport = (url, request, signal) =>
    new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason));
      this.calls.push({
        url: url.host,
        request,
        signal,
        answer: (reply) => resolve({ peers: [], intervalS: 600, ...reply }),
        fail: (message = 'connection refused') => reject(new TrackerError('network', message)),
      });
    });

  get last(): Call {
    return this.calls[this.calls.length - 1];
  }

  /** Where each announce went, with its event: ['a1 started', 'a2 started', 'b1 -', ...] */
  get log(): string[] {
    return this.calls.map((c) => `${c.url} ${c.request.event ?? '-'}`);
  }
}

/** Keeps every tier in the order written (Fisher-Yates never swaps with 0.999...). */
const KEEP_ORDER: Random = { next: () => 0.999999 };
const TIMING: Partial<AnnounceTiming> = { requestTimeoutMs: 10_000, stopTimeoutMs: 2_000, firstRetryMs: 15_000, maxRetryMs: 60_000, intervalFloorMs: 60_000 };
const SELF_ID = Buffer.from('-SL0100-000000000001');

function setUp(options: Partial<TrackerSourceOptions> = {}) {
  const clock = new ManualClock();
  const trackers = new ScriptedTrackers();
  const diagnostics = new RecordingDiagnostics();
  const stats = { uploaded: 0, downloaded: 0, left: 1000 };
  const found: DiscoveredPeer[][] = [];
  const source = new TrackerSource({
    infoHash: Buffer.alloc(20, 1),
    peerId: SELF_ID,
    port: 6881,
    tiers: [['http://a1/announce', 'http://a2/announce'], ['http://b1/announce']],
    stats: () => ({ ...stats }),
    clock,
    random: { next: () => 0.5 },
    diagnostics,
    timing: TIMING,
    isOwnHost: (host) => host === '127.0.0.1',
    transports: { 'http:': trackers.transport },
    ...options,
  });
  return { clock, trackers, diagnostics, stats, found, source, start: () => source.start((peers) => found.push([...peers])) };
}

describe('TrackerSource: the order of trackers (BEP 12)', () => {
  test('started goes to the first tracker; a failure moves on in the tier, then to the next tier, at once', async () => {
    const { trackers, start } = setUp({ random: KEEP_ORDER });
    start();
    expect(trackers.log).toEqual(['a1 started']);
    trackers.last.fail();
    await turnEventLoop();
    trackers.last.fail();
    await turnEventLoop();
    expect(trackers.log).toEqual(['a1 started', 'a2 started', 'b1 started']);
  });

  test('the tracker that answered is asked first next time; the regular announce carries no event', async () => {
    const { clock, trackers, start } = setUp({ random: KEEP_ORDER });
    start();
    trackers.last.fail();
    await turnEventLoop();
    trackers.last.answer({ intervalS: 120 });
    await turnEventLoop();
    clock.advance(119_999);
    expect(trackers.calls).toHaveLength(2);
    clock.advance(1);
    expect(trackers.log).toEqual(['a1 started', 'a2 started', 'a2 -']);
  });

  test('each tier is shuffled once, by the injected randomness', () => {
    const { trackers, start } = setUp({ random: { next: () => 0 }, tiers: [['http://a1/announce', 'http://a2/announce', 'http://a3/announce']] });
    start();
    // Fisher-Yates with 0 every time: [a1, a2, a3] -> [a2, a3, a1].
    expect(trackers.log).toEqual(['a2 started']);
  });
});

describe('TrackerSource: when it announces', () => {
  test('when no tracker answers: again after 15 s, then 30 s, 60 s, 60 s (the cap); an answer resets the wait', async () => {
    const { clock, trackers, start, source, diagnostics } = setUp({ tiers: [['http://a1/announce']] });
    start();
    const failedAt: number[] = [];
    for (let round = 0; round < 4; round++) {
      trackers.last.fail();
      await turnEventLoop();
      failedAt.push(source.status().nextAnnounceAtMs! - clock.now());
      clock.advance(source.status().nextAnnounceAtMs! - clock.now());
    }
    expect(failedAt).toEqual([15_000, 30_000, 60_000, 60_000]);
    expect(trackers.calls).toHaveLength(5);
    expect(trackers.calls.every((c) => c.request.event === 'started')).toBe(true);
    expect(diagnostics.at('warn')).toContain('no tracker answered (4 time(s) in a row): trying again in 60 s');
    trackers.last.answer();
    await turnEventLoop();
    expect(source.status().failuresInARow).toBe(0);
  });

  test('a tracker that never answers costs the request timeout, then the next tracker is asked', async () => {
    const { clock, trackers, start, diagnostics } = setUp({ random: KEEP_ORDER });
    start();
    clock.advance(9_999);
    expect(trackers.calls).toHaveLength(1);
    clock.advance(1);
    await turnEventLoop();
    expect(trackers.calls[0].signal.aborted).toBe(true);
    expect(trackers.log).toEqual(['a1 started', 'a2 started']);
    expect(diagnostics.at('warn')).toContain('tracker http://a1/announce: no reply within 10 s');
  });

  test('interval 0 is held to the floor, an absurd one to the ceiling', async () => {
    const { clock, trackers, start, source } = setUp({ tiers: [['http://a1/announce']], timing: { ...TIMING, intervalCeilingMs: 3_600_000 } });
    start();
    trackers.last.answer({ intervalS: 0 });
    await turnEventLoop();
    expect(source.status().nextAnnounceAtMs).toBe(60_000);
    clock.advance(60_000);
    trackers.last.answer({ intervalS: 4_294_967_295 });
    await turnEventLoop();
    expect(source.status().nextAnnounceAtMs).toBe(60_000 + 3_600_000);
  });

  test('completed goes out at once, not at the next interval, with the figures of that moment', async () => {
    const { clock, trackers, start, source, stats } = setUp({ tiers: [['http://a1/announce']] });
    start();
    trackers.last.answer();
    await turnEventLoop();
    clock.advance(5_000);
    stats.left = 0;
    stats.downloaded = 1000;
    source.completed();
    expect(trackers.log).toEqual(['a1 started', 'a1 completed']);
    expect(trackers.last.request).toMatchObject({ left: 0, downloaded: 1000 });
  });

  test('completed while started is still in flight: sent right after it, started is not lost', async () => {
    const { trackers, start, source } = setUp({ tiers: [['http://a1/announce']] });
    start();
    source.completed();
    expect(trackers.log).toEqual(['a1 started']);
    trackers.last.answer();
    await turnEventLoop();
    expect(trackers.log).toEqual(['a1 started', 'a1 completed']);
  });

  test('finished before any tracker heard started: started says left 0, and no completed follows (BEP 3)', async () => {
    const { clock, trackers, start, source, stats } = setUp({ tiers: [['http://a1/announce']] });
    start();
    trackers.last.fail();
    await turnEventLoop();
    stats.left = 0;
    source.completed();
    expect(trackers.log).toEqual(['a1 started', 'a1 started']);
    expect(trackers.last.request.left).toBe(0);
    trackers.last.answer();
    await turnEventLoop();
    clock.advance(600_000);
    expect(trackers.log).toEqual(['a1 started', 'a1 started', 'a1 -']);
  });

  test('the tracker id a tracker gave is sent back to it', async () => {
    const { clock, trackers, start } = setUp({ tiers: [['http://a1/announce']] });
    start();
    trackers.last.answer({ trackerId: Buffer.from('xyz') });
    await turnEventLoop();
    clock.advance(600_000);
    expect(trackers.last.request.trackerId).toEqual(Buffer.from('xyz'));
  });
});

describe('TrackerSource: what it reports', () => {
  test('the peers of a reply, without ourselves or repeats; a warning message goes to the diagnostics', async () => {
    const { trackers, start, found, diagnostics } = setUp({ tiers: [['http://a1/announce']] });
    start();
    trackers.last.answer({
      warning: 'slow down',
      peers: [
        { host: '127.0.0.1', port: 6881 },
        { host: '127.0.0.2', port: 7000 },
        { host: '127.0.0.2', port: 7000 },
        { host: '127.0.0.3', port: 0 },
      ],
    });
    await turnEventLoop();
    expect(found).toEqual([[{ host: '127.0.0.2', port: 7000, source: 'tracker' }]]);
    expect(diagnostics.at('warn')).toContain('tracker http://a1/announce warns: slow down');
    expect(diagnostics.at('info')).toContain(
      'tracker http://a1/announce: 1 peer(s) (left out: ourselves, 1 with a bad address or port, 1 repeat(s)); next announce in 600 s',
    );
  });

  test('our address as the tracker sees it (external ip) on our port is us', async () => {
    const { trackers, start, found } = setUp({ tiers: [['http://a1/announce']], isOwnHost: () => false });
    start();
    trackers.last.answer({ externalIp: '10.1.1.1', peers: [{ host: '10.1.1.1', port: 6881 }, { host: '10.1.1.1', port: 6882 }] });
    await turnEventLoop();
    expect(found).toEqual([[{ host: '10.1.1.1', port: 6882, source: 'tracker' }]]);
  });

  test('a sink that throws is reported; the source goes on', async () => {
    const { clock, trackers, source, diagnostics } = setUp({ tiers: [['http://a1/announce']] });
    source.start(() => {
      throw new Error('peer list full');
    });
    trackers.last.answer({ peers: [{ host: '127.0.0.2', port: 7000 }] });
    await turnEventLoop();
    expect(diagnostics.at('error')).toEqual(["the tracker's peers were not taken: peer list full"]);
    clock.advance(600_000);
    expect(trackers.calls).toHaveLength(2);
  });

  test('no tracker at all: said once, nothing sent', () => {
    const { trackers, start, diagnostics } = setUp({ tiers: [['wss://tracker.example']] });
    start();
    expect(trackers.calls).toHaveLength(0);
    expect(diagnostics.at('warn')).toEqual(['tracker left out: wss://tracker.example: wss: trackers are not supported', 'no tracker to announce to']);
  });
});

describe('TrackerSource: stopping', () => {
  test('stopped goes to the tracker that answered last, asking for no peers; then nothing is left scheduled', async () => {
    const { clock, trackers, start, source, found } = setUp({ random: KEEP_ORDER });
    start();
    trackers.last.fail();
    await turnEventLoop();
    trackers.last.answer();
    await turnEventLoop();
    const stopped = source.stop();
    expect(trackers.log).toEqual(['a1 started', 'a2 started', 'a2 stopped']);
    expect(trackers.last.request.numwant).toBe(0);
    trackers.last.answer({ peers: [{ host: '127.0.0.9', port: 9 }] });
    await stopped;
    expect(source.status().state).toBe('stopped');
    expect(found).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
  });

  test('a tracker that does not answer stopped holds the stop up for stopTimeoutMs only', async () => {
    const { clock, trackers, start, source, diagnostics } = setUp({ tiers: [['http://a1/announce']] });
    start();
    trackers.last.answer();
    await turnEventLoop();
    let done = false;
    void source.stop().then(() => (done = true));
    clock.advance(1_999);
    await turnEventLoop();
    expect(done).toBe(false);
    clock.advance(1);
    await turnEventLoop();
    expect(done).toBe(true);
    expect(diagnostics.at('warn')).toContain('tracker http://a1/announce: stopped not acknowledged: no reply within 2 s');
  });

  test('stop during an announce aborts it, and its late peers are dropped; a tracker nobody heard from gets no stopped', async () => {
    const { trackers, start, source, found } = setUp({ tiers: [['http://a1/announce']] });
    start();
    const inFlight = trackers.last;
    await source.stop();
    expect(inFlight.signal.aborted).toBe(true);
    inFlight.answer({ peers: [{ host: '127.0.0.2', port: 7000 }] });
    await turnEventLoop();
    expect(found).toEqual([]);
    expect(trackers.log).toEqual(['a1 started']);
  });

  test('stop before start, and a second stop, resolve at once', async () => {
    const { trackers, source } = setUp();
    await source.stop();
    await source.stop();
    source.start(() => {});
    expect(trackers.calls).toHaveLength(0);
  });
});
