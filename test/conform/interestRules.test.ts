import { HAVE_GRACE_MS, interestNotInterestedAtEnd, interestUpdatedAfterHave } from '../../src/conform/interestRules.js';
import { connection, handshake, have, interested, lateJoinerRun, leecherRun, piece, request, seederRun, unchoke, type Step } from './recordings.js';

/** The late joiner 1003 with our neighbour 1002 (no bitfield) doing `steps`, and 1001 giving pieces at the times in `givenBy1001`. */
function withHaves(steps: Step[], givenBy1001: [index: number, atMs: number][] = []) {
  const run = lateJoinerRun();
  const from1001 = connection([['peer', 1, handshake(1003)], ['us', 2, handshake(1001)], ...givenBy1001.map(([index, atMs]): Step => ['us', atMs, piece(index)])], 'earlier 1001', 1001);
  const from1002 = connection([['peer', 1, handshake(1003)], ['us', 2, handshake(1002)], ['us', 2, unchoke], ...steps], 'earlier 1002', 1002);
  return { ...run, connections: [from1001, from1002] };
}

describe('interest.updated-after-have', () => {
  test('interested after our have for a piece it lacked passes', () => {
    expect(interestUpdatedAfterHave(lateJoinerRun())).toEqual({ verdict: 'pass', evidence: ['interested after each of 1 haves for a piece it lacked (while not interested)'] });
  });

  test('no interested after such a have fails, with the have', () => {
    const judged = interestUpdatedAfterHave(withHaves([['us', 20, have(2)], ['peer', 22, request(2)]]));
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence).toEqual(['no interested after earlier 1002, us→peer @37 +20ms: have 2 [00 00 00 05 04 00 00 00 02], a piece it lacked']);
  });

  test('interested before we offered anything fails: no bitfield means it has nothing', () => {
    const judged = interestUpdatedAfterHave(withHaves([['peer', 3, interested], ['us', 20, have(2)]]));
    expect(judged.evidence[0]).toMatch(/^interested before we offered any piece \(no bitfield, no have\): earlier 1002, peer→us @32 \+3ms: interested/);
  });

  test('a have is not judged when it was already interested, or had the piece, or may have got it elsewhere first (the grace)', () => {
    const silent: Step[] = [['us', 20, have(2)]];
    expect(interestUpdatedAfterHave(withHaves([['us', 10, have(1)], ['peer', 11, interested], ...silent])).verdict).toBe('pass');
    expect(interestUpdatedAfterHave(withHaves(silent, [[2, 10]])).verdict).toBe('not-shown');
    expect(interestUpdatedAfterHave(withHaves(silent, [[2, 20 + HAVE_GRACE_MS]])).verdict).toBe('not-shown');
    expect(interestUpdatedAfterHave(withHaves(silent, [[2, 21 + HAVE_GRACE_MS]])).verdict).toBe('fail');
  });

  test('not shown when the peer had the file', () => {
    expect(interestUpdatedAfterHave(seederRun()).verdict).toBe('not-shown');
  });
});

describe('interest.not-interested-at-end', () => {
  test('not interested to each neighbour it had been interested in passes', () => {
    const judged = interestNotInterestedAtEnd(lateJoinerRun());
    expect(judged.verdict).toBe('pass');
    expect(judged.evidence[0]).toMatch(/^last earlier 1001, peer→us @\d+ \+8ms: not interested/);
  });

  test('still interested at the end fails, naming when it had every piece', () => {
    const run = leecherRun();
    const [seeder] = run.connections;
    const judged = interestNotInterestedAtEnd({ ...run, connections: [{ ...seeder, units: seeder.units.slice(0, -1) }] });
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toMatch(/^still interested after it had every piece \(\+10ms\): last seeder 1001, peer→us @32 \+3ms: interested/);
  });

  test('not shown when we did not give it the whole file', () => {
    const cut = connection([['peer', 1, handshake(1002)], ['us', 2, handshake(1001)], ['peer', 3, interested], ['us', 4, piece(0)], ['peer', 5, interested]]);
    expect(interestNotInterestedAtEnd(leecherRun({ connections: [cut] })).verdict).toBe('not-shown');
  });
});
