import bencode from 'bencode';
import fc from 'fast-check';
import { TrackerError, type AnnounceRequest } from '../../src/swarm/tracker/announce.js';
import { announceUrl, escapeBytes } from '../../src/swarm/tracker/httpAnnounce.js';
import { TRACKER_BDECODE_LIMITS, parseHttpReply } from '../../src/swarm/tracker/httpReply.js';
import { decodeUdpReply, encodeAnnounce, encodeConnect } from '../../src/swarm/tracker/udpCodec.js';

const REQUEST: AnnounceRequest = {
  infoHash: Buffer.from('00ff7e2041' + '11'.repeat(15), 'hex'),
  peerId: Buffer.from('-SL0100-abcdefghijkl'),
  port: 6881,
  uploaded: 10,
  downloaded: 20,
  left: 5_000_000_000,
  event: 'started',
  numwant: 50,
  key: 0xdeadbeef,
};

function failureOf(run: () => unknown): TrackerError {
  try {
    run();
  } catch (error) {
    if (error instanceof TrackerError) return error;
    throw error;
  }
  throw new Error('expected a TrackerError');
}

describe('HTTP announce request (BEP 3)', () => {
  test('binary info-hash and peer id are %-escaped byte by byte; unreserved bytes stay', () => {
    expect(escapeBytes(Buffer.from([0x00, 0xff, 0x7e, 0x20, 0x41, 0x2e, 0x2f]))).toBe('%00%FF~%20A.%2F');
  });

  test('every field, compact=1, the event; appended after a query the tracker put in its URL', () => {
    const url = announceUrl(new URL('http://127.0.0.1:6969/announce?passkey=abc'), { ...REQUEST, trackerId: Buffer.from('t 1') });
    expect(url).toBe(
      'http://127.0.0.1:6969/announce?passkey=abc&info_hash=%00%FF~%20A' + '%11'.repeat(15) +
        '&peer_id=-SL0100-abcdefghijkl&port=6881&uploaded=10&downloaded=20&left=5000000000&compact=1&numwant=50&key=deadbeef&event=started&trackerid=t%201',
    );
  });

  test('a regular announce carries no event', () => {
    expect(announceUrl(new URL('http://127.0.0.1:6969/announce'), { ...REQUEST, event: undefined })).not.toContain('event=');
  });
});

describe('HTTP announce reply (BEP 3, 23, 7, 24)', () => {
  test('compact peers, intervals, warning, tracker id, external ip', () => {
    const reply = parseHttpReply(
      bencode.encode({
        interval: 1800,
        'min interval': 900,
        peers: Buffer.from([127, 0, 0, 1, 0x1a, 0xe1, 10, 0, 0, 2, 0, 80]),
        peers6: Buffer.concat([Buffer.from('00000000000000000000000000000001', 'hex'), Buffer.from([0x1a, 0xe2])]),
        'warning message': 'be nice',
        'tracker id': 'abc',
        'external ip': Buffer.from([192, 168, 1, 9]),
      }),
    );
    expect(reply).toEqual({
      intervalS: 1800,
      minIntervalS: 900,
      peers: [
        { host: '127.0.0.1', port: 6881 },
        { host: '10.0.0.2', port: 80 },
        { host: '0:0:0:0:0:0:0:1', port: 6882 },
      ],
      warning: 'be nice',
      trackerId: Buffer.from('abc'),
      externalIp: '192.168.1.9',
    });
  });

  test('dictionary peers keep their peer id; entries of the wrong shape are skipped', () => {
    const peerId = Buffer.from('-XX0001-123456789012');
    const reply = parseHttpReply(bencode.encode({ interval: 60, peers: [{ ip: '127.0.0.2', port: 7000, 'peer id': peerId }, { ip: 5, port: 1 }, 'junk', { ip: '127.0.0.3', port: 7001 }] }));
    expect(reply.peers).toEqual([{ host: '127.0.0.2', port: 7000, peerId }, { host: '127.0.0.3', port: 7001 }]);
  });

  test('a trailing partial compact entry is ignored, the whole ones kept', () => {
    expect(parseHttpReply(bencode.encode({ peers: Buffer.from([127, 0, 0, 1, 0, 80, 9, 9, 9]) })).peers).toEqual([{ host: '127.0.0.1', port: 80 }]);
  });

  test('fields of the wrong type count as absent: a negative or text interval is no interval', () => {
    const reply = parseHttpReply(bencode.encode({ interval: -5, 'min interval': '30', peers: 7, 'warning message': 3 }));
    expect(reply).toEqual({ intervalS: undefined, minIntervalS: undefined, peers: [], warning: undefined, trackerId: undefined, externalIp: undefined });
  });

  test('failure reason: the announce fails with the tracker\'s reason, control characters removed', () => {
    const failure = failureOf(() => parseHttpReply(bencode.encode({ 'failure reason': 'unregistered\ntorrent\u009b2J', interval: 60 })));
    expect(failure.code).toBe('failure-reason');
    expect(failure.message).toBe('the tracker refused: unregistered torrent 2J');
  });

  test.each([
    ['an HTML page', Buffer.from('<html><body>502 Bad Gateway</body></html>')],
    ['nothing', Buffer.alloc(0)],
    ['a list', Buffer.from('le')],
    ['a string', Buffer.from('3:abc')],
    ['half a dictionary', Buffer.from('d8:interval')],
    ['lists nested deeper than the stack', Buffer.from('l'.repeat(500_000))],
    ['a negative string length (bencode 2 loops forever on it)', Buffer.from('d5:peersl-3:eee')],
    ['a string cut short (bencode 2 reads what there is)', Buffer.from('d5:peers99:abce')],
    ['an integer with a leading zero (bencode 2 reads i03e as 3)', Buffer.from('d8:intervali03ee')],
    ['a duplicate key (bencode 2 keeps the last)', Buffer.from('d8:intervali60e8:intervali1ee')],
  ])('%s is a bad reply', (_what, body) => {
    expect(failureOf(() => parseHttpReply(body)).code).toBe('bad-reply');
  });

  test(`nesting is allowed ${TRACKER_BDECODE_LIMITS.maxDepth} deep, not one more`, () => {
    const nested = (depth: number) => Buffer.from('d1:x' + 'l'.repeat(depth - 1) + 'e'.repeat(depth));
    expect(parseHttpReply(nested(TRACKER_BDECODE_LIMITS.maxDepth)).peers).toEqual([]);
    expect(failureOf(() => parseHttpReply(nested(TRACKER_BDECODE_LIMITS.maxDepth + 1))).message).toMatch(/nested deeper than 8 levels at byte 11$/);
  });

  test("a '__proto__' key is an unknown key, not a way to supply the interval (bencode 2 makes it the prototype)", () => {
    expect(parseHttpReply(Buffer.from('d9:__proto__d8:intervali60eee')).intervalS).toBeUndefined();
  });

  test('random bytes never throw anything but a TrackerError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          parseHttpReply(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(TrackerError);
        }
      }),
    );
  });
});

describe('UDP tracker packets (BEP 15)', () => {
  test('connect: the magic protocol id, action 0, the transaction id', () => {
    expect(encodeConnect(0x01020304).toString('hex')).toBe('0000041727101980' + '00000000' + '01020304');
  });

  test('announce: 98 bytes in BEP 15\'s order', () => {
    const packet = encodeAnnounce(Buffer.from('0102030405060708', 'hex'), 0xa1b2c3d4, REQUEST);
    expect(packet.toString('hex')).toBe(
      '0102030405060708' + '00000001' + 'a1b2c3d4' +
        REQUEST.infoHash.toString('hex') + REQUEST.peerId.toString('hex') +
        '0000000000000014' + '000000012a05f200' + '000000000000000a' +
        '00000002' + '00000000' + 'deadbeef' + '00000032' + '1ae1',
    );
  });

  test('events: none 0, completed 1, started 2, stopped 3', () => {
    const eventCode = (event: AnnounceRequest['event']) => encodeAnnounce(Buffer.alloc(8), 1, { ...REQUEST, event }).readUInt32BE(80);
    expect([undefined, 'completed', 'started', 'stopped'].map((e) => eventCode(e as AnnounceRequest['event']))).toEqual([0, 1, 2, 3]);
  });

  test('replies: connect, announce with peers (6 bytes over IPv4, 18 over IPv6), error', () => {
    expect(decodeUdpReply(Buffer.from('00000000' + '00000007' + 'aabbccddeeff0011', 'hex'), false)).toEqual({ action: 'connect', transactionId: 7, connectionId: Buffer.from('aabbccddeeff0011', 'hex') });
    const announce = Buffer.from('00000001' + '00000008' + '00000708' + '00000003' + '00000002' + '7f000001' + '1ae1', 'hex');
    expect(decodeUdpReply(announce, false)).toEqual({ action: 'announce', transactionId: 8, intervalS: 1800, leechers: 3, seeders: 2, peers: [{ host: '127.0.0.1', port: 6881 }] });
    const announce6 = Buffer.from('00000001' + '00000008' + '00000708' + '00000000' + '00000000' + '00000000000000000000000000000001' + '1ae1', 'hex');
    expect(decodeUdpReply(announce6, true)).toMatchObject({ peers: [{ host: '0:0:0:0:0:0:0:1', port: 6881 }] });
    expect(decodeUdpReply(Buffer.concat([Buffer.from('0000000300000009', 'hex'), Buffer.from('no such torrent')]), false)).toEqual({ action: 'error', transactionId: 9, message: 'no such torrent' });
  });

  test.each([
    ['7 bytes', '00000001000000'],
    ['a connect reply of 12 bytes', '000000000000000700000000'],
    ['an announce reply of 16 bytes', '00000001000000080000070800000003'],
    ['an unknown action', '0000000200000001'],
  ])('%s is a bad reply', (_what, hex) => {
    expect(failureOf(() => decodeUdpReply(Buffer.from(hex, 'hex'), false)).code).toBe('bad-reply');
  });

  test('random bytes never throw anything but a TrackerError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), (bytes, overIpv6) => {
        try {
          decodeUdpReply(Buffer.from(bytes), overIpv6);
        } catch (error) {
          expect(error).toBeInstanceOf(TrackerError);
        }
      }),
    );
  });
});
