import { MAX_MAGNET_LINK_CHARS, MagnetError, isMagnetLink, parseMagnetLink } from '../../src/magnet/MagnetLink.js';

const HEX = 'c12fe1c06bba254a9dc9f519b335aa7c1367a88a';
/** The same 20 bytes in RFC 4648 base32 (Python's base64.b32encode). */
const BASE32 = 'YEX6DQDLXISUVHOJ6UM3GNNKPQJWPKEK';
const HASH = Buffer.from(HEX, 'hex');

function problemOf(link: string): string {
  try {
    parseMagnetLink(link);
  } catch (error) {
    expect(error).toBeInstanceOf(MagnetError);
    return (error as MagnetError).problem;
  }
  throw new Error('expected a MagnetError');
}

describe('parseMagnetLink', () => {
  test('a link with a hex info-hash, a name, two trackers and two peers', () => {
    const link =
      `magnet:?xt=urn:btih:${HEX}&dn=Big+Buck%20Bunny%E2%80%99s.mp4` +
      '&tr=udp%3A%2F%2Ftracker.example.org%3A6969%2Fannounce&tr=https://t.example.net/announce?key=1%262' +
      '&x.pe=127.0.0.1:6881&x.pe=[::1]:51413';
    expect(parseMagnetLink(link)).toEqual({
      infoHash: HASH,
      displayName: 'Big Buck Bunny’s.mp4',
      trackers: ['udp://tracker.example.org:6969/announce', 'https://t.example.net/announce?key=1&2'],
      peers: [
        { host: '127.0.0.1', port: 6881 },
        { host: '::1', port: 51413 },
      ],
      notes: [],
    });
  });

  test('base32 and hex of the same hash give the same bytes, in either case', () => {
    for (const text of [HEX, HEX.toUpperCase(), BASE32, BASE32.toLowerCase()]) {
      expect(parseMagnetLink(`magnet:?xt=urn:btih:${text}`).infoHash).toEqual(HASH);
    }
  });

  test('the smallest link: no name, trackers or peers', () => {
    expect(parseMagnetLink(`MAGNET:?xt=URN:BTIH:${HEX}`)).toEqual({ infoHash: HASH, trackers: [], peers: [], notes: [] });
  });

  test("another hash next to the btih one (BEP 52's btmh) is ignored, and a repeated btih is the same torrent", () => {
    const link = `magnet:?xt=urn:btmh:1220${'ab'.repeat(32)}&xt=urn:btih:${HEX}&xt=urn:btih:${BASE32}`;
    expect(parseMagnetLink(link).infoHash).toEqual(HASH);
  });

  test('trackers of other schemes are left out with a note; repeats are kept once', () => {
    const link = `magnet:?xt=urn:btih:${HEX}&tr=wss://tracker.webtorrent.dev&tr=http://a/announce&tr=not%20a%20url&tr=http://a/announce`;
    const magnet = parseMagnetLink(link);
    expect(magnet.trackers).toEqual(['http://a/announce']);
    expect(magnet.notes).toEqual([
      "tracker 'wss://tracker.webtorrent.dev' left out: only http, https and udp trackers are used",
      "tracker 'not a url' left out: not a URL",
    ]);
  });

  test('bad peers are reported, not fatal; the good ones are kept once, normalised', () => {
    const bad = ['example.org:6881', '1.2.3.4', '1.2.3.4:0', '1.2.3.4:70000', '::1:6881', '[1.2.3.4]:80', '224.0.0.1:80', '[ff02::1]:80', '300.1.1.1:80'];
    const good = ['10.0.0.1:80', '[0:0:0:0:0:0:0:1]:80', '[::1]:80', '[::ffff:10.0.0.1]:80'];
    const magnet = parseMagnetLink(`magnet:?xt=urn:btih:${HEX}${[...bad, ...good].map((p) => `&x.pe=${encodeURIComponent(p)}`).join('')}`);
    expect(magnet.peers).toEqual([
      { host: '10.0.0.1', port: 80 },
      { host: '::1', port: 80 },
    ]);
    expect(magnet.notes).toEqual([
      "peer 'example.org:6881' left out: 'example.org' is not a unicast IPv4 address or a bracketed IPv6 one",
      "peer '1.2.3.4' left out: not host:port (an IPv6 address goes in brackets)",
      "peer '1.2.3.4:0' left out: port 0 is not 1-65535",
      "peer '1.2.3.4:70000' left out: port 70000 is not 1-65535",
      "peer '::1:6881' left out: not host:port (an IPv6 address goes in brackets)",
      "peer '[1.2.3.4]:80' left out: '1.2.3.4' is not a unicast IPv4 address or a bracketed IPv6 one",
      "peer '224.0.0.1:80' left out: '224.0.0.1' is not a unicast IPv4 address or a bracketed IPv6 one",
      "peer '[ff02::1]:80' left out: 'ff02::1' is not a unicast IPv4 address or a bracketed IPv6 one",
      "peer '300.1.1.1:80' left out: '300.1.1.1' is not a unicast IPv4 address or a bracketed IPv6 one",
    ]);
  });

  describe('refusals name the link and what is wrong', () => {
    test.each([
      ['a file path', 'movie.torrent', "not a magnet link: it must start with 'magnet:?'"],
      ['an http URL', 'http://example.org/?xt=urn:btih:' + HEX, "not a magnet link: it must start with 'magnet:?'"],
      ['no xt', 'magnet:?dn=x', "no 'xt=urn:btih:<info-hash>' parameter: swarmlab needs a BitTorrent v1 info-hash"],
      ['only a v2 hash', `magnet:?xt=urn:btmh:1220${'ab'.repeat(32)}`, "no 'xt=urn:btih:<info-hash>' parameter: swarmlab needs a BitTorrent v1 info-hash"],
      ['a short hash', `magnet:?xt=urn:btih:${HEX.slice(1)}`, `the info-hash '${HEX.slice(1)}' has 39 characters: it must be 40 hex digits or 32 base32 characters`],
      ['a bad hex digit', `magnet:?xt=urn:btih:${HEX.slice(1)}g`, `the info-hash '${HEX.slice(1)}g' is not 40 hex digits`],
      ['a bad base32 character', `magnet:?xt=urn:btih:${BASE32.slice(1)}1`, `the info-hash '${BASE32.slice(1)}1' is not 32 base32 characters (A-Z, 2-7)`],
      ['two different hashes', `magnet:?xt=urn:btih:${HEX}&xt=urn:btih:${'0'.repeat(40)}`, "2 different 'urn:btih:' info-hashes: a link names one torrent"],
    ])('%s', (_name, link, problem) => {
      expect(problemOf(link)).toBe(problem);
    });

    test('the message quotes the link, shortened when long', () => {
      expect(() => parseMagnetLink('magnet:?dn=x')).toThrow("magnet link 'magnet:?dn=x': no 'xt=urn:btih:");
      const long = `magnet:?dn=${'x'.repeat(500)}`;
      expect(() => parseMagnetLink(long)).toThrow(`magnet link '${long.slice(0, 117)}...': no`);
    });

    test('a link over the cap is refused unread', () => {
      const link = `magnet:?xt=urn:btih:${HEX}&dn=`;
      expect(parseMagnetLink(link + 'x'.repeat(MAX_MAGNET_LINK_CHARS - link.length)).infoHash).toEqual(HASH);
      expect(problemOf(link + 'x'.repeat(MAX_MAGNET_LINK_CHARS - link.length + 1))).toBe(`${MAX_MAGNET_LINK_CHARS + 1} characters, more than the ${MAX_MAGNET_LINK_CHARS} a link may have`);
    });
  });
});

describe('isMagnetLink', () => {
  test.each([
    ['magnet:?xt=urn:btih:' + HEX, true],
    ['Magnet:?dn=x', true],
    ['magnet:', false],
    ['./magnet:?x', false],
    ['file.torrent', false],
    ['', false],
  ])('%j is %s', (arg, expected) => {
    expect(isMagnetLink(arg)).toBe(expected);
  });
});
