import bencode from 'bencode';
import * as dgram from 'dgram';
import { isPublicOrLoopback } from '../../src/dht/addressPolicy.js';
import { DEFAULT_KRPC_GUARD_LIMITS, KrpcGuard } from '../../src/dht/KrpcGuard.js';
import { ManualClock } from '../support/ManualClock.js';
import { LOOPBACK } from '../support/sockets.js';

function guardOn(socket: dgram.Socket, limits = DEFAULT_KRPC_GUARD_LIMITS): KrpcGuard {
  return new KrpcGuard(socket, { limits, clock: new ManualClock(), accepts: isPublicOrLoopback, isOwnHost: (host) => host === LOOPBACK });
}

const ping = (t: string) => bencode.encode({ t, y: 'q', q: 'ping', a: { id: Buffer.alloc(20, 1) } });

describe('KrpcGuard, outgoing', () => {
  test('a send racing the close is a warning, not an exception inside the library', async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
    const guard = guardOn(socket);
    const warnings: Error[] = [];
    guard.on('warning', (error: Error) => warnings.push(error));
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    const datagram = ping('aa');
    expect(() => guard.send(datagram, 0, datagram.length, 6881, LOOPBACK)).not.toThrow();
    expect(warnings.map((w) => (w as NodeJS.ErrnoException).code)).toEqual(['ERR_SOCKET_DGRAM_NOT_RUNNING']);
  });

  test('nothing goes to an address the policy refuses; queries beyond the queue are dropped and counted', async () => {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
    const guard = guardOn(socket, { ...DEFAULT_KRPC_GUARD_LIMITS, outboundQueries: { perSecond: 1, burst: 1 }, maxQueuedQueries: 2 });
    try {
      const datagram = ping('bb');
      guard.send(datagram, 0, datagram.length, 6881, '192.168.1.1');
      expect(guard.counts.refusedAddress).toBe(1);
      for (let i = 0; i < 5; i++) guard.send(datagram, 0, datagram.length, 6881, LOOPBACK);
      expect([guard.queuedQueries, guard.counts.queueFull]).toEqual([2, 2]);
    } finally {
      guard.close();
    }
  });
});
