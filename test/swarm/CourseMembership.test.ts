import type { PeerInfo } from '../../src/config/PeerInfo.js';
import { Bitfield } from '../../src/core/Bitfield.js';
import { CourseMembership } from '../../src/swarm/CourseMembership.js';

const PEERS: PeerInfo[] = [1001, 1002, 1003, 1004, 1005].map((peerId, i) => ({ peerId, host: '127.0.0.1', port: 7000 + i, hasFile: i === 0, line: i + 1 }));
const as = (peerId: number) => new CourseMembership(PEERS.find((p) => p.peerId === peerId)!, PEERS);
const complete = () => {
  const bits = new Bitfield(3);
  for (const i of [0, 1, 2]) bits.set(i);
  return bits;
};

describe("the course's membership (protocol.md): PeerInfo.cfg's static list", () => {
  test('a peer dials every peer listed before it, and dials again only those', () => {
    expect(as(1001).peersToDial).toEqual([]);
    expect(as(1003).peersToDial.map((p) => p.peerId)).toEqual([1001, 1002]);
    expect(as(1003).redialTarget(1002)?.peerId).toBe(1002);
    expect(as(1003).redialTarget(1004)).toBeUndefined();
  });

  test('only listed peers other than ourselves are admitted', () => {
    expect(as(1003).refusalFor(1005)).toBeUndefined();
    expect(as(1003).refusalFor(1003)).toBe('that is our own peer ID');
    expect(as(1003).refusalFor(4242)).toBe('not listed in PeerInfo.cfg');
  });

  test('as many waiting handshakes as later peers, and never fewer than 4', () => {
    expect(as(1001).maxWaitingHandshakes).toBe(4);
    expect(new CourseMembership(PEERS[0], [...PEERS, ...PEERS.map((p) => ({ ...p, peerId: p.peerId + 10 }))]).maxWaitingHandshakes).toBe(9);
  });

  test('finished once we and every listed peer we still wait for are complete', () => {
    const known = new Map<number, Bitfield>(PEERS.map((p) => [p.peerId, complete()]));
    const member = as(1002);
    expect(member.isFinished(complete(), (id) => known.get(id), () => true)).toBe(true);
    expect(member.isFinished(new Bitfield(3), (id) => known.get(id), () => true)).toBe(false);
    known.delete(1004);
    expect(member.isFinished(complete(), (id) => known.get(id), () => true)).toBe(false);
    expect(member.isFinished(complete(), (id) => known.get(id), (id) => id !== 1004)).toBe(true);
  });

  test('alone and complete: half a minute by default; concluded from unreachable peers only after a restart', () => {
    expect(as(1003).aloneTimeoutMs).toBe(30_000);
    expect(as(1003).concludesAloneWhenUnreachable).toBe(false);
    const restarted = new CourseMembership(PEERS[2], PEERS, { aloneTimeoutMs: 500, resumed: true });
    expect([restarted.aloneTimeoutMs, restarted.concludesAloneWhenUnreachable]).toEqual([500, true]);
  });
});
