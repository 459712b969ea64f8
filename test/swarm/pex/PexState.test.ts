import fc from 'fast-check';
import { DEFAULT_MAX_LEARNED_PEERS, PEX_INTERVAL_MS, PexNeighbour, PexState } from '../../../src/swarm/pex/PexState.js';
import { COMPACT_IPV4_BYTES, COMPACT_IPV6_BYTES, encodeCompactPeer, parseCompactPeers } from '../../../src/swarm/tracker/compactPeers.js';
import type { OwnIdentity } from '../../../src/swarm/tracker/peerFilter.js';
import { MAX_PEX_SENT_PEERS, PEX_FLAG, PEX_IPV4_ENTRY_BYTES, PEX_IPV6_ENTRY_BYTES, UtPexMessage, decodeUtPex, encodeUtPex } from '../../../src/wire/bt/UtPex.js';

const SELF: OwnIdentity = { peerId: Buffer.alloc(20, 9), port: 6881, isOwnHost: (host) => host === '192.168.1.10' };
const REMOTE = { host: '10.0.0.99', port: 7000 };
const NONE = Buffer.alloc(0);
const EMPTY: UtPexMessage = { added: NONE, addedFlags: NONE, added6: NONE, added6Flags: NONE, dropped: NONE, dropped6: NONE };

function setUp(options: { isPrivate?: boolean; maxLearnedPeers?: number } = {}) {
  const clock = { ms: 1_000_000 };
  const pex = new PexState({ now: () => clock.ms, self: SELF, remote: REMOTE, isPrivate: options.isPrivate ?? false, ...(options.maxLearnedPeers ? { maxLearnedPeers: options.maxLearnedPeers } : {}) });
  return { clock, pex };
}

/** A message's lists as `host:port` text, for reading. */
function readable(m: UtPexMessage) {
  const text = (bytes: Buffer, size: 6 | 18) => parseCompactPeers(bytes, size).map((p) => `${p.host}:${p.port}`);
  return { added: [...text(m.added, COMPACT_IPV4_BYTES), ...text(m.added6, COMPACT_IPV6_BYTES)], flags: [...m.addedFlags, ...m.added6Flags], dropped: [...text(m.dropped, COMPACT_IPV4_BYTES), ...text(m.dropped6, COMPACT_IPV6_BYTES)] };
}

const neighbour = (i: number, flags?: number): PexNeighbour => ({ host: `10.1.${i >> 8}.${i & 0xff}`, port: 6000 + i, ...(flags === undefined ? {} : { flags }) });

test("the wire's entry sizes are the tracker's compact ones (one format, two readers)", () => {
  expect([PEX_IPV4_ENTRY_BYTES, PEX_IPV6_ENTRY_BYTES]).toEqual([COMPACT_IPV4_BYTES, COMPACT_IPV6_BYTES]);
});

describe('encodeCompactPeer', () => {
  test.each([
    ['1.2.3.4', 6881, '010203041ae1'],
    ['::1', 80, '000000000000000000000000000000010050'],
    ['2001:db8::8:800:200c:417a', 443, '20010db8000000000008080020 0c417a01bb'.replace(' ', '')],
    ['fe80::', 1, 'fe8000000000000000000000000000000001'],
    ['1:2:3:4:5:6:7:8', 2, '000100020003000400050006000700080002'],
  ])('%s port %d', (host, port, hex) => {
    expect(encodeCompactPeer(host, port).toString('hex')).toBe(hex);
  });

  test('parseCompactPeers reads back what it writes, for any address (seed 42)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), fc.integer({ min: 1, max: 0xffff }), (address, port) => {
        const host = new URL(`http://${address.includes(':') ? `[${address}]` : address}`).hostname.replace(/^\[|\]$/g, '');
        if (host.includes('.') && host.includes(':')) return; // an IPv4-mapped form, which the peer filter turns into IPv4 first
        const size = host.includes(':') ? COMPACT_IPV6_BYTES : COMPACT_IPV4_BYTES;
        const [read] = parseCompactPeers(encodeCompactPeer(host, port), size);
        expect(new URL(`http://${size === COMPACT_IPV6_BYTES ? `[${read.host}]` : read.host}`).hostname.replace(/^\[|\]$/g, '')).toBe(host);
        expect(read.port).toBe(port);
      }),
      { seed: 42, numRuns: 500 },
    );
  });

  test('a host that is not a normalised address is a RangeError (a caller bug)', () => {
    expect(() => encodeCompactPeer('example.org', 80)).toThrow(RangeError);
    expect(() => encodeCompactPeer('::ffff:1.2.3.4', 80)).toThrow(RangeError);
  });
});

describe('PexState: what we send', () => {
  test('the first message lists the neighbours, with their flags, then each one only the changes, at most once a minute', () => {
    const { clock, pex } = setUp();
    const first = pex.nextMessage([neighbour(1, PEX_FLAG.seed), neighbour(2), { host: '::1', port: 9000, flags: PEX_FLAG.reachable }]);
    expect(readable(first!)).toEqual({ added: ['10.1.0.1:6001', '10.1.0.2:6002', '0:0:0:0:0:0:0:1:9000'], flags: [2, 0, 0x10], dropped: [] });
    clock.ms += PEX_INTERVAL_MS - 1;
    expect(pex.nextMessage([neighbour(2), neighbour(3)])).toBeUndefined();
    clock.ms += 1;
    expect(readable(pex.nextMessage([neighbour(2), neighbour(3)])!)).toEqual({ added: ['10.1.0.3:6003'], flags: [0], dropped: ['10.1.0.1:6001', '0:0:0:0:0:0:0:1:9000'] });
  });

  test('nothing new, nothing sent, and the minute does not restart', () => {
    const { clock, pex } = setUp();
    expect(pex.nextMessage([])).toBeUndefined();
    expect(pex.nextMessage([neighbour(1)])).toBeDefined();
    clock.ms += PEX_INTERVAL_MS;
    expect(pex.nextMessage([neighbour(1)])).toBeUndefined();
    expect(pex.nextMessage([neighbour(1), neighbour(2)])).toBeDefined();
  });

  test(`at most ${MAX_PEX_SENT_PEERS} added and ${MAX_PEX_SENT_PEERS} dropped per message; the rest follow in the next ones`, () => {
    const { clock, pex } = setUp();
    const many = Array.from({ length: 120 }, (_, i) => neighbour(i));
    const counts: number[][] = [];
    for (let minute = 0; minute < 3; minute++, clock.ms += PEX_INTERVAL_MS) {
      const m = readable(pex.nextMessage(many)!);
      counts.push([m.added.length, m.dropped.length]);
    }
    expect(counts).toEqual([[50, 0], [50, 0], [20, 0]]);
    expect(readable(pex.nextMessage([])!).dropped).toHaveLength(50);
    // Every message stays within what the codec (and other clients) accept.
    clock.ms += PEX_INTERVAL_MS;
    const next = pex.nextMessage([]);
    expect(decodeUtPex(encodeUtPex(next!))).toEqual(next);
  });

  test('never ourselves, nor the peer itself, nor an address that is not one, nor the same peer twice', () => {
    const { pex } = setUp();
    const m = pex.nextMessage([
      { host: '192.168.1.10', port: SELF.port },
      REMOTE,
      { host: '::ffff:10.0.0.99', port: REMOTE.port },
      { host: 'example.org', port: 80 },
      { host: '0.0.0.0', port: 80 },
      { host: '10.0.0.5', port: 0 },
      neighbour(1),
      { host: '::ffff:10.1.0.1', port: 6001 },
    ]);
    expect(readable(m!)).toEqual({ added: ['10.1.0.1:6001'], flags: [0], dropped: [] });
  });

  test('a private torrent sends nothing (BEP 27)', () => {
    const { pex } = setUp({ isPrivate: true });
    expect(pex.nextMessage([neighbour(1)])).toBeUndefined();
  });
});

describe('PexState: what we learn', () => {
  const message = (added: PexNeighbour[], dropped: PexNeighbour[] = []): UtPexMessage => {
    const v4 = (peers: PexNeighbour[]) => Buffer.concat(peers.filter((p) => !p.host.includes(':')).map((p) => encodeCompactPeer(p.host, p.port)));
    const v6 = (peers: PexNeighbour[]) => Buffer.concat(peers.filter((p) => p.host.includes(':')).map((p) => encodeCompactPeer(p.host, p.port)));
    return { added: v4(added), addedFlags: Buffer.alloc(v4(added).length / 6), added6: v6(added), added6Flags: Buffer.alloc(v6(added).length / 18), dropped: v4(dropped), dropped6: v6(dropped) };
  };

  test('new peers, checked as a tracker reply is, each reported once per connection', () => {
    const { pex } = setUp();
    const learned = pex.receive(message([neighbour(1), { host: 'fe80::1', port: 51413 }, { host: '192.168.1.10', port: SELF.port }, REMOTE, { host: '0.0.0.0', port: 1 }, { host: '10.0.0.7', port: 0 }, neighbour(1)]));
    expect(learned).toEqual([
      { host: '10.1.0.1', port: 6001, source: 'pex' },
      { host: 'fe80::1', port: 51413, source: 'pex' },
    ]);
    expect(pex.receive(message([neighbour(1), neighbour(2)]))).toEqual([{ host: '10.1.0.2', port: 6002, source: 'pex' }]);
  });

  test('a dropped peer is forgotten: when it is added again, it is reported again', () => {
    const { pex } = setUp();
    expect(pex.receive(message([neighbour(1)]))).toHaveLength(1);
    expect(pex.receive(message([], [neighbour(1)]))).toEqual([]);
    expect(pex.receive(message([neighbour(1)]))).toHaveLength(1);
  });

  test('what it remembers is bounded: past the cap, new peers are left out', () => {
    expect(DEFAULT_MAX_LEARNED_PEERS).toBe(1000);
    const { pex } = setUp({ maxLearnedPeers: 3 });
    expect(pex.receive(message([neighbour(1), neighbour(2), neighbour(3), neighbour(4)]))).toHaveLength(3);
    expect(pex.receive(message([neighbour(5)]))).toEqual([]);
    pex.receive(message([], [neighbour(1)]));
    expect(pex.receive(message([neighbour(5)]))).toHaveLength(1);
  });

  test('a private torrent learns nothing (BEP 27)', () => {
    const { pex } = setUp({ isPrivate: true });
    expect(pex.receive(message([neighbour(1)]))).toEqual([]);
    expect(pex.receive(EMPTY)).toEqual([]);
  });
});
