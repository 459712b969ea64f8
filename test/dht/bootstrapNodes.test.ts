import { DhtBootstrapError, parseDhtBootstrap } from '../../src/dht/bootstrapNodes.js';

describe('--dht-bootstrap host:port,...', () => {
  test('host names and IPv4 addresses, with spaces around commas', () => {
    expect(parseDhtBootstrap('router.bittorrent.com:6881, 127.0.0.1:4000')).toEqual([
      { host: 'router.bittorrent.com', port: 6881 },
      { host: '127.0.0.1', port: 4000 },
    ]);
  });

  test.each([
    ['', '--dht-bootstrap: no node given (expected host:port,...)'],
    ['a.example:1,,b.example:2', '--dht-bootstrap entry 2 (""): empty (two commas in a row, or one at an end?)'],
    ['router.bittorrent.com', '--dht-bootstrap entry 1 ("router.bittorrent.com"): no port (expected host:port, e.g. router.bittorrent.com:6881)'],
    ['host:0', '--dht-bootstrap entry 1 ("host:0"): port "0" is not a number from 1 to 65535'],
    ['host:65536', '--dht-bootstrap entry 1 ("host:65536"): port "65536" is not a number from 1 to 65535'],
    ['host:6881x', '--dht-bootstrap entry 1 ("host:6881x"): port "6881x" is not a number from 1 to 65535'],
    [':6881', '--dht-bootstrap entry 1 (":6881"): "" is neither a host name nor an IPv4 address'],
    ['300.1.1.1:6881', '--dht-bootstrap entry 1 ("300.1.1.1:6881"): "300.1.1.1" is neither a host name nor an IPv4 address'],
    ['bad_host!:6881', '--dht-bootstrap entry 1 ("bad_host!:6881"): "bad_host!" is neither a host name nor an IPv4 address'],
    ['[::1]:6881', '--dht-bootstrap entry 1 ("[::1]:6881"): IPv6 addresses are not supported (the DHT here speaks IPv4 only)'],
  ])('%j is refused: %s', (text, message) => {
    expect(() => parseDhtBootstrap(text)).toThrow(new DhtBootstrapError(message));
  });
});
