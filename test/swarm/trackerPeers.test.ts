import { checkPeers, normalisedAddress, type OwnIdentity } from '../../src/swarm/tracker/peerFilter.js';

const OURS = Buffer.from('-SL0100-ourselves000');
const SELF: OwnIdentity = { peerId: OURS, port: 6881, isOwnHost: (host) => host === '127.0.0.1' };

describe('the peers of one tracker reply', () => {
  test('ourselves are left out, by address and port or by peer id; the same address on another port is a peer', () => {
    const { peers, dropped } = checkPeers(
      [
        { host: '127.0.0.1', port: 6881 },
        { host: '10.0.0.7', port: 9000, peerId: OURS },
        { host: '127.0.0.1', port: 6882 },
      ],
      SELF,
      'tracker',
      100,
    );
    expect(peers).toEqual([{ host: '127.0.0.1', port: 6882, source: 'tracker' }]);
    expect(dropped.ourselves).toBe(2);
  });

  test('port 0, ports over 65535, host names and addresses nobody listens on are left out', () => {
    const listed = ['example.com', '0.0.0.0', '0.1.2.3', '224.0.0.1', '255.255.255.255', '::', 'ff02::1', '1.2.3'].map((host) => ({ host, port: 80 }));
    const { peers, dropped } = checkPeers([...listed, { host: '10.0.0.1', port: 0 }, { host: '10.0.0.1', port: 70000 }], SELF, 'tracker', 100);
    expect(peers).toEqual([]);
    expect(dropped.invalid).toBe(listed.length + 2);
  });

  test('1,000 copies of one peer give one peer; an IPv4-mapped IPv6 spelling is the same peer', () => {
    const copies = Array.from({ length: 1000 }, () => ({ host: '10.0.0.9', port: 7000 }));
    const { peers, dropped } = checkPeers([...copies, { host: '::ffff:10.0.0.9', port: 7000 }], SELF, 'tracker', 100);
    expect(peers).toEqual([{ host: '10.0.0.9', port: 7000, source: 'tracker' }]);
    expect(dropped.repeats).toBe(1000);
  });

  test('no more than the limit from one reply, the peer id kept when listed', () => {
    const peerId = Buffer.from('-XX0001-123456789012');
    const listed = Array.from({ length: 10 }, (_, i) => ({ host: `10.0.1.${i + 1}`, port: 7000, peerId }));
    const { peers, dropped } = checkPeers(listed, SELF, 'tracker', 3);
    expect(peers).toEqual(listed.slice(0, 3).map((p) => ({ ...p, source: 'tracker' })));
    expect(dropped.overLimit).toBe(7);
  });

  test('addresses are written one way', () => {
    expect(normalisedAddress('0:0:0:0:0:0:0:1')).toBe('::1');
    expect(normalisedAddress('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(normalisedAddress('::FFFF:127.0.0.5')).toBe('127.0.0.5');
    expect(normalisedAddress('127.0.0.5')).toBe('127.0.0.5');
  });
});
