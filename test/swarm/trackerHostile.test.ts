import bencode from 'bencode';
import type * as http from 'http';
import type { Random } from '../../src/common/Random.js';
import type { DiscoveredPeer } from '../../src/swarm/PeerSource.js';
import { TrackerSource } from '../../src/swarm/tracker/TrackerSource.js';
import { ManualClock } from '../support/ManualClock.js';
import { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';
import { LOOPBACK } from '../support/sockets.js';
import { Waiters } from '../support/waiting.js';
import { compactPeers, FakeHttpTracker, FakeUdpTracker, udpAction, udpReply } from './trackerFakes.js';

const OUR_PORT = 6881;
/** Keeps each tier in the order written, so the hostile tracker is asked first. */
const KEEP_ORDER: Random = { next: () => 0.999999 };

const sources: TrackerSource[] = [];
const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  // Sources first: their `stopped` needs the trackers still up.
  await Promise.all(sources.splice(0).map((source) => source.stop()));
  await Promise.all(running.splice(0).map((r) => r.close()));
});

async function httpTracker(respond: (res: http.ServerResponse) => void): Promise<FakeHttpTracker> {
  const tracker = await FakeHttpTracker.start(respond);
  running.push(tracker);
  return tracker;
}

async function udpTracker(respond: (packet: Buffer, reply: (bytes: Buffer) => void) => void): Promise<FakeUdpTracker> {
  const tracker = await FakeUdpTracker.start(respond);
  running.push(tracker);
  return tracker;
}

/** A well-behaved tracker listing one peer, 127.0.0.2:7000. */
const GOOD_PEER: DiscoveredPeer = { host: '127.0.0.2', port: 7000, source: 'tracker' };
const goodTracker = () => httpTracker((res) => res.end(bencode.encode({ interval: 900, peers: compactPeers([2, 7000]) })));

/** A source announcing to one tier of trackers, in the order given; peers it finds and its diagnostics are kept. */
function sourceFor(urls: string[]) {
  const clock = new ManualClock();
  const diagnostics = new RecordingDiagnostics();
  const found: DiscoveredPeer[][] = [];
  const waiters = new Waiters();
  const source = new TrackerSource({
    infoHash: Buffer.alloc(20, 2),
    peerId: Buffer.from('-SL0100-hostiletests'),
    port: OUR_PORT,
    tiers: [urls],
    stats: () => ({ uploaded: 0, downloaded: 0, left: 1 }),
    clock,
    random: KEEP_ORDER,
    diagnostics,
    localAddress: LOOPBACK,
  });
  sources.push(source);
  source.start((peers) => {
    found.push([...peers]);
    waiters.notify();
  });
  const foundPeers = () => waiters.until(() => found[0], 'peers from the source');
  return { clock, diagnostics, found, foundPeers, source };
}

describe('TrackerSource against a broken or hostile HTTP tracker: it costs that announce only', () => {
  test('a reply that is not bencode: reported, then the next tracker of the tier', async () => {
    const bad = await httpTracker((res) => res.end('<html><body>502 Bad Gateway</body></html>'));
    const good = await goodTracker();
    const { foundPeers, diagnostics, source } = sourceFor([bad.url, good.url]);
    expect(await foundPeers()).toEqual([GOOD_PEER]);
    expect(diagnostics.at('warn')).toEqual([`tracker ${bad.url}: the reply is not bencode (41 bytes starting "<html><body>502 Bad Gate"): unexpected byte 0x3c at byte 0`]);
    expect(source.status().lastAnswered).toBe(good.url);
  });

  test('a reply over the byte cap: the source stops reading, hangs up and reports it', async () => {
    let hungUp!: () => void;
    const clientHungUp = new Promise<void>((resolve) => (hungUp = resolve));
    const endless = await httpTracker((res) => {
      res.on('close', hungUp);
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pour = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', pour);
      pour();
    });
    const good = await goodTracker();
    const { foundPeers, diagnostics } = sourceFor([endless.url, good.url]);
    expect(await foundPeers()).toEqual([GOOD_PEER]);
    await clientHungUp;
    expect(diagnostics.at('warn')).toEqual([expect.stringMatching(new RegExp(`^tracker ${endless.url}: the reply is over the 1048576-byte cap \\(stopped reading at \\d+ bytes\\)$`))]);
  });

  test('a Content-Length over the cap is refused before reading the body', async () => {
    const boastful = await httpTracker((res) => {
      res.writeHead(200, { 'content-length': 50_000_000 });
      res.write('d');
    });
    const good = await goodTracker();
    const { foundPeers, diagnostics } = sourceFor([boastful.url, good.url]);
    expect(await foundPeers()).toEqual([GOOD_PEER]);
    expect(diagnostics.at('warn')).toEqual([`tracker ${boastful.url}: the reply is over the 1048576-byte cap (it announced 50000000 bytes)`]);
  });

  test('failure reason: its text in the diagnostics, then the next tracker', async () => {
    const refusing = await httpTracker((res) => res.end(bencode.encode({ 'failure reason': 'torrent not registered', interval: 1 })));
    const good = await goodTracker();
    const { foundPeers, diagnostics } = sourceFor([refusing.url, good.url]);
    expect(await foundPeers()).toEqual([GOOD_PEER]);
    expect(diagnostics.at('warn')).toEqual([`tracker ${refusing.url}: the tracker refused: torrent not registered`]);
  });

  test('not 200: the status in the diagnostics', async () => {
    const missing = await httpTracker((res) => {
      res.statusCode = 404;
      res.end('not found');
    });
    const good = await goodTracker();
    const { foundPeers, diagnostics } = sourceFor([missing.url, good.url]);
    await foundPeers();
    expect(diagnostics.at('warn')).toEqual([`tracker ${missing.url}: HTTP 404 Not Found`]);
  });

  test('a peer list with ourselves, port 0 and 1,000 copies of one peer gives that one peer', async () => {
    const copies = Array.from({ length: 1000 }, (): [number, number] => [3, 7003]);
    const listing = await httpTracker((res) => res.end(bencode.encode({ interval: 900, peers: compactPeers([1, OUR_PORT], [4, 0], ...copies) })));
    const { foundPeers, diagnostics } = sourceFor([listing.url]);
    expect(await foundPeers()).toEqual([{ host: '127.0.0.3', port: 7003, source: 'tracker' }]);
    expect(diagnostics.at('info')).toEqual([
      `tracker ${listing.url}: 1 peer(s) (left out: ourselves, 1 with a bad address or port, 999 repeat(s)); next announce in 900 s`,
    ]);
  });

  test.each([
    ['interval 0', 0, 60_000],
    ['an absurd interval', 2 ** 40, 2 * 60 * 60_000],
  ])('%s is held within a sane range: the next announce comes then, not sooner', async (_what, intervalS, expectedMs) => {
    const tracker = await httpTracker((res) => res.end(bencode.encode({ interval: intervalS, peers: compactPeers([2, 7000]) })));
    const { clock, foundPeers, source } = sourceFor([tracker.url]);
    await foundPeers();
    expect(source.status().nextAnnounceAtMs).toBe(expectedMs);
    clock.advance(expectedMs - 1);
    expect(tracker.queries).toHaveLength(1);
    clock.advance(1);
    const again = await tracker.received(2);
    expect(again.get('event')).toBeNull();
  });

  test('a tracker that never answers: after the request timeout, the next tracker of the tier', async () => {
    const silent = await httpTracker(() => {});
    const good = await goodTracker();
    const { clock, foundPeers, diagnostics } = sourceFor([silent.url, good.url]);
    await silent.received(1);
    expect(good.queries).toHaveLength(0);
    clock.advance(15_000);
    expect(await foundPeers()).toEqual([GOOD_PEER]);
    expect(diagnostics.at('warn')).toEqual([`tracker ${silent.url}: no reply within 15 s`]);
  });
});

describe('TrackerSource against a broken or hostile UDP tracker (BEP 15)', () => {
  test('a tracker that never answers: the connect is sent again at 3 s and 9 s, then after 15 s the next tracker', async () => {
    const silent = await udpTracker(() => {});
    const good = await goodTracker();
    const { clock, foundPeers, diagnostics } = sourceFor([silent.url, good.url]);
    await silent.received(1);
    clock.advance(3_000);
    await silent.received(2);
    clock.advance(6_000);
    await silent.received(3);
    clock.advance(6_000);
    expect(await foundPeers()).toEqual([GOOD_PEER]);
    expect(silent.packets.map(udpAction)).toEqual([0, 0, 0]);
    expect(diagnostics.at('warn')).toEqual([`tracker ${silent.url}: no reply within 15 s`]);
  });

  test('an error reply: its message in the diagnostics, then the next tracker', async () => {
    const refusing = await udpTracker((packet, reply) => reply(udpAction(packet) === 0 ? udpReply.connect(packet) : udpReply.error(packet, 'banned client')));
    const good = await goodTracker();
    const { foundPeers, diagnostics } = sourceFor([refusing.url, good.url]);
    expect(await foundPeers()).toEqual([GOOD_PEER]);
    expect(diagnostics.at('warn')).toEqual([`tracker ${refusing.url}: the tracker refused: banned client`]);
  });

  test('a truncated reply is a bad reply', async () => {
    const truncated = await udpTracker((packet, reply) => reply(udpReply.connect(packet).subarray(0, 12)));
    const good = await goodTracker();
    const { foundPeers, diagnostics } = sourceFor([truncated.url, good.url]);
    await foundPeers();
    expect(diagnostics.at('warn')).toEqual([`tracker ${truncated.url}: the tracker sent a 12-byte connect reply (16 expected)`]);
  });

  test('a reply to another transaction is ignored; the real one is taken, its peers checked like HTTP ones', async () => {
    const copies = Array.from({ length: 1000 }, (): [number, number] => [3, 7003]);
    const tracker = await udpTracker((packet, reply) => {
      if (udpAction(packet) === 0) return reply(udpReply.connect(packet));
      const forged = Buffer.from(packet);
      forged.writeUInt32BE((packet.readUInt32BE(12) ^ 1) >>> 0, 12);
      reply(udpReply.announce(forged, 1, compactPeers([9, 9999])));
      reply(udpReply.announce(packet, 0, compactPeers([1, OUR_PORT], [4, 0], ...copies)));
    });
    const { foundPeers, source } = sourceFor([tracker.url]);
    expect(await foundPeers()).toEqual([{ host: '127.0.0.3', port: 7003, source: 'tracker' }]);
    expect(source.status().nextAnnounceAtMs).toBe(60_000);
  });
});
