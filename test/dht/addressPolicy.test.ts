import { isPublicOrLoopback, isPublicUnicast } from '../../src/dht/addressPolicy.js';

describe('which addresses the DHT node talks to', () => {
  test.each(['1.2.3.4', '8.8.8.8', '100.63.255.255', '100.128.0.0', '172.15.255.255', '172.32.0.0', '223.255.255.255'])('%s is public', (host) => {
    expect(isPublicUnicast(host)).toBe(true);
  });

  test.each(['0.1.2.3', '10.0.0.1', '100.64.0.1', '127.0.0.1', '169.254.1.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '224.0.0.1', '255.255.255.255', '::1', 'example.com'])('%s is not', (host) => {
    expect(isPublicUnicast(host)).toBe(false);
  });

  test('a DHT on one machine adds loopback, nothing else private', () => {
    expect(isPublicOrLoopback('127.0.0.1')).toBe(true);
    expect(isPublicOrLoopback('8.8.8.8')).toBe(true);
    expect(isPublicOrLoopback('192.168.1.1')).toBe(false);
  });
});
