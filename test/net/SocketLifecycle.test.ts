/**
 * Holding a socket's reading (src/net/SocketLifecycle.ts): a download limit
 * pauses for a while, the BitTorrent torrent holds every peer while the disk
 * is behind. Holds nest: the end of one never resumes reading under another.
 */
import { PassThrough } from 'stream';
import { SocketLifecycle } from '../../src/net/SocketLifecycle.js';
import { ManualClock } from '../support/ManualClock.js';

function lifecycle() {
  const socket = new PassThrough();
  socket.resume(); // flowing, as a connection's socket is while it reads
  const clock = new ManualClock(0);
  const life = new SocketLifecycle({ socket, clock, pendingBytes: () => 0, closed: () => {} });
  return { socket, clock, life };
}

describe('SocketLifecycle: holding the reading', () => {
  test("a rate limit's pause ends after its wait", () => {
    const { socket, clock, life } = lifecycle();
    life.pauseReading(100);
    expect(socket.isPaused()).toBe(true);
    clock.advance(99);
    expect(socket.isPaused()).toBe(true);
    clock.advance(1);
    expect(socket.isPaused()).toBe(false);
  });

  test('a pause that ends while the disk holds the reading does not resume it', () => {
    const { socket, clock, life } = lifecycle();
    life.holdReading();
    life.pauseReading(100);
    clock.advance(100);
    expect(socket.isPaused()).toBe(true);
    life.releaseReading();
    expect(socket.isPaused()).toBe(false);
  });

  test('a release without a hold changes nothing', () => {
    const { socket, life } = lifecycle();
    life.releaseReading();
    life.holdReading();
    expect(socket.isPaused()).toBe(true);
    life.releaseReading();
    life.releaseReading();
    expect(socket.isPaused()).toBe(false);
  });
});
