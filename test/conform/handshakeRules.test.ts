import { handshakeExactBytes, handshakePeerId, handshakeSentAtOnce } from '../../src/conform/handshakeRules.js';
import { bitfield, connection, handshake, leecherRun } from './recordings.js';

function withPeerHandshake(bytes: Buffer) {
  return leecherRun({ connections: [connection([['peer', 1, bytes], ['us', 2, handshake(1001)]])] });
}

describe('handshake rules', () => {
  test('a right handshake sent before ours passes all three, with the bytes as evidence', () => {
    const run = leecherRun();
    for (const rule of [handshakeExactBytes, handshakePeerId, handshakeSentAtOnce]) {
      const judged = rule(run);
      expect(judged.verdict).toBe('pass');
      expect(judged.evidence[0]).toContain('seeder 1001, peer→us @0 +1ms: handshake [50 32 50 46');
    }
  });

  test('handshake.exact-bytes fails on a non-zero padding byte, naming it', () => {
    const bad = handshake(1002);
    bad[20] = 0x01;
    const judged = handshakeExactBytes(withPeerHandshake(bad));
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toMatch(/^byte 20 \(padding\) is 0x01, expected 0x00: seeder 1001, peer→us @0 \+1ms/);
  });

  test('handshake.exact-bytes fails on a wrong header', () => {
    const bad = Buffer.concat([Buffer.from('P2PFILESHARINGPROX'), handshake(1002).subarray(18)]);
    expect(handshakeExactBytes(withPeerHandshake(bad)).evidence[0]).toMatch(/^byte 17 \(header\) is 0x58, expected 0x4a/);
  });

  test('every handshake rule fails when the peer sent no handshake at all', () => {
    const run = leecherRun({ connections: [connection([['us', 1, handshake(1001)], ['peer', 2, Buffer.from('HELLO')]])] });
    for (const rule of [handshakeExactBytes, handshakePeerId, handshakeSentAtOnce]) {
      expect(rule(run)).toEqual({ verdict: 'fail', evidence: ['seeder 1001: no 32-byte handshake from the peer'] });
    }
  });

  test('handshake.peer-id fails on another ID', () => {
    const judged = handshakePeerId(withPeerHandshake(handshake(1003)));
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toMatch(/^peer ID 1003, expected 1002/);
  });

  test('handshake.sent-at-once fails when the peer waited for ours', () => {
    const run = leecherRun({ connections: [connection([['us', 300, handshake(1001)], ['peer', 301, handshake(1002)], ['us', 302, bitfield(0xe0)]])] });
    const judged = handshakeSentAtOnce(run);
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toMatch(/^sent only after ours \(\+300ms\): seeder 1001, peer→us @0 \+301ms/);
  });

  test('with no connection at all the rules are not shown', () => {
    expect(handshakeExactBytes(leecherRun({ connections: [] })).verdict).toBe('not-shown');
  });
});
