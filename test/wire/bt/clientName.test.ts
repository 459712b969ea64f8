import { clientName } from '../../../src/wire/bt/clientName.js';

/** A 20-byte peer id: the prefix, then filler bytes as a client's random part. */
const id = (prefix: string, filler = '\xcd\xcf\xca\x94@\x9fF\x02\x99|\x01\xff') => Buffer.from((prefix + filler + filler).slice(0, 20), 'latin1');

describe('clientName: who a peer is, for people', () => {
  test.each([
    // Measured on this machine: aria2 1.36.0's announce and handshake, python3-libtorrent 2.0.8's.
    ['aria2 (A2-major-minor-patch-)', 'A2-1-36-0-', 'aria2/1.36.0'],
    ['aria2 1.37', 'A2-1-37-0-', 'aria2/1.37.0'],
    ['libtorrent (rasterbar)', '-LT2080-', 'libtorrent/2.0.8'],
    ['libtorrent, a base-36 digit past 9', '-LT20A0-', 'libtorrent/2.0.10'],
    ['swarmlab (ours)', '-SL0100-', 'swarmlab/0.1.0'],
    ['rtorrent\'s libTorrent', '-lt0D60-', 'libTorrent/0.13.6'],
    ['qBittorrent', '-qB4630-', 'qBittorrent/4.6.3'],
    ['Transmission', '-TR4050-', 'Transmission/4.0.5'],
    ['Deluge', '-DE13F0-', 'Deluge/1.3.15'],
    ['µTorrent: its release tag is not a version part', '-UT355S-', 'µTorrent/3.5.5'],
    ['a non-zero fourth digit is a part', '-BC0185-', 'BitComet/0.1.8.5'],
    ['WebTorrent: two decimal digits each for major and minor', '-WW0201-', 'WebTorrent/2.1'],
    ['an Azureus-style code we do not know', '-ZZ1234-', 'unknown (-ZZ1234-)'],
    ['Mainline (BEP 20)', 'M4-3-6--', 'Mainline/4.3.6'],
    ['Mainline, a two-digit minor', 'M4-20-8-', 'Mainline/4.20.8'],
    ["Shad0w's style: BitTornado", 'T03I-----', 'BitTornado/0.3.18'],
    ["Shad0w's style: a base-64 digit past Z", 'S58b-----', "Shad0w's client/5.8.37"],
  ])('%s: %s -> %s', (_what, prefix, expected) => {
    expect(clientName(id(prefix))).toBe(expected);
  });

  test.each([
    ['20 random bytes', Buffer.from('21b41973afcfc06a259fc97da40ab790d33297cd', 'hex')],
    ['all zeros', Buffer.alloc(20)],
    ['too short for any style', Buffer.from('-LT2')],
    ['a Shad0w letter with too few version digits', id('T0-------')],
  ])('%s: unknown', (_what, peerId) => {
    expect(clientName(peerId)).toBe('unknown');
  });

  describe("BEP 10's v wins when it says anything", () => {
    test.each([
      ['aria2, measured', 'aria2/1.36.0', 'aria2/1.36.0'],
      ['libtorrent, measured (4 parts)', 'libtorrent/2.0.8.0', 'libtorrent/2.0.8.0'],
      ['non-ASCII letters stay', 'µTorrent 3.5.5', 'µTorrent 3.5.5'],
      ['a terminal escape loses its control characters', 'evil\x1b[2J\x1b]0;title\x07/1.0', 'evil[2J]0;title/1.0'],
      ['a C1 control (CSI) is taken out too', 'evil\u009b2Jclient', 'evil2Jclient'],
      ['line breaks and tabs go; runs of spaces become one', 'two\r\nlines\u2028and\t  spaces ', 'twolinesand spaces'],
      ['at most 40 characters', 'x'.repeat(100), 'x'.repeat(40)],
      ['40 characters, not 40 UTF-16 units', '𝄞'.repeat(50), '𝄞'.repeat(40)],
    ])('%s', (_what, v, expected) => {
      expect(clientName(id('-LT2080-'), v)).toBe(expected);
    });

    test.each([['empty', ''], ['blank', '  '], ['control characters only', '\x1b\x07\u009b']])('%s: the peer id decides', (_what, v) => {
      expect(clientName(id('-LT2080-'), v)).toBe('libtorrent/2.0.8');
    });
  });
});
