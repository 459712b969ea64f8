import { interestedWhenNeeded } from '../../src/conform/interestRules.js';
import { CHOKE_GRACE_MS, requestNeverHeld, requestNeverTwice, requestOneAtATime, requestOnlyWhileUnchoked, requestReaskedAfterChoke } from '../../src/conform/requestRules.js';
import { LEECHER_OPENING, bitfield, byRateRun, choke, connection, handshake, have, interested, lateJoinerRun, leecherRun, piece, request, seederRun, twoSourcesRun, unchoke, type Step } from './recordings.js';

const leecherWith = (...steps: Step[]) => leecherRun({ connections: [connection([...LEECHER_OPENING, ...steps])] });

describe('interest.interested-when-needed', () => {
  test('interested after our bitfield passes, with its bytes', () => {
    const judged = interestedWhenNeeded(leecherRun());
    expect(judged.verdict).toBe('pass');
    expect(judged.evidence[0]).toBe('interested after our bitfield: seeder 1001, peer→us @32 +3ms: interested [00 00 00 01 02]');
  });

  test('no interested fails; a request before interested fails', () => {
    expect(interestedWhenNeeded(leecherWith(['us', 4, unchoke])).evidence[0]).toMatch(/^seeder 1001: no interested after seeder 1001, us→peer @32 \+2ms: bitfield/);
    const early = interestedWhenNeeded(leecherWith(['peer', 3, request(0)], ['peer', 4, interested]));
    expect(early.verdict).toBe('fail');
    expect(early.evidence[0]).toMatch(/^a request before interested: seeder 1001, peer→us @32 \+3ms: request 0/);
  });

  test('not shown when the peer had the file', () => {
    expect(interestedWhenNeeded(seederRun()).verdict).toBe('not-shown');
  });
});

describe('request.only-while-unchoked', () => {
  test('requests only while unchoked pass', () => {
    expect(requestOnlyWhileUnchoked(leecherRun())).toEqual({ verdict: 'pass', evidence: ['seeder 1001: 3 requests, all while unchoked (we choked it 0 time(s) on the way)'] });
  });

  test('a request before any unchoke fails', () => {
    const judged = requestOnlyWhileUnchoked(leecherWith(['peer', 3, interested], ['peer', 4, request(1)]));
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toMatch(/^a request while choked: seeder 1001, peer→us @37 \+4ms: request 1 \[00 00 00 05 06 00 00 00 01\]/);
  });

  test('a request past the grace after our choke fails; one within the grace (sent before the choke arrived) does not', () => {
    const opening: Step[] = [['peer', 3, interested], ['us', 4, unchoke], ['peer', 5, request(0)], ['us', 6, piece(0)], ['us', 100, choke]];
    const late = requestOnlyWhileUnchoked(leecherWith(...opening, ['peer', 100 + CHOKE_GRACE_MS + 1, request(1)]));
    expect(late.verdict).toBe('fail');
    expect(late.evidence[0]).toMatch(new RegExp(`^a request while choked: .* \\+${100 + CHOKE_GRACE_MS + 1}ms: request 1`));
    expect(requestOnlyWhileUnchoked(leecherWith(...opening, ['peer', 150, request(1)])).verdict).toBe('pass');
  });

  test('not shown without requests', () => {
    expect(requestOnlyWhileUnchoked(seederRun()).verdict).toBe('not-shown');
  });
});

describe('request.one-at-a-time', () => {
  test('each request after the piece for the one before passes', () => {
    expect(requestOneAtATime(leecherRun()).verdict).toBe('pass');
  });

  test('two requests outstanding fail, naming both', () => {
    const judged = requestOneAtATime(leecherWith(['peer', 3, interested], ['us', 4, unchoke], ['peer', 5, request(0)], ['peer', 6, request(1)]));
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toMatch(/request 1 .* while seeder 1001, peer→us @37 \+5ms: request 0 .* was unanswered$/);
  });

  test('a request made while choked is void: it is only-while-unchoked\'s fault, not a second one outstanding', () => {
    const steps: Step[] = [['peer', 3, interested], ['us', 4, unchoke], ['peer', 5, request(0)], ['us', 6, piece(0)], ['us', 7, choke], ['peer', 900, request(1)], ['us', 1000, unchoke], ['peer', 1001, request(1)], ['us', 1002, piece(1)]];
    expect(requestOnlyWhileUnchoked(leecherWith(...steps)).verdict).toBe('fail');
    expect(requestOneAtATime(leecherWith(...steps)).verdict).toBe('pass');
  });

  test('a choke voids the request outstanding: asking again after the unchoke is right', () => {
    const judged = requestOneAtATime(
      leecherWith(['peer', 3, interested], ['us', 4, unchoke], ['peer', 5, request(0)], ['us', 6, choke], ['us', 700, unchoke], ['peer', 701, request(0)], ['us', 702, piece(0)]),
    );
    expect(judged).toEqual({ verdict: 'pass', evidence: ['seeder 1001: 2 requests, each after the piece for the one before'] });
  });
});

describe('request.never-held', () => {
  test('requests only for pieces it had not told that neighbour it has pass', () => {
    expect(requestNeverHeld(lateJoinerRun()).evidence).toEqual(['earlier 1001: 2 requests, none for a piece it had told us it has', 'earlier 1002: 1 requests, none for a piece it had told us it has']);
  });

  test('a request after its own have for that piece fails; after a bitfield claiming it, that is bitfield.none-when-empty\'s fault', () => {
    const afterHave = requestNeverHeld(leecherWith(['peer', 3, interested], ['us', 4, unchoke], ['peer', 5, request(0)], ['us', 6, piece(0)], ['peer', 7, have(0)], ['peer', 8, request(0)]));
    expect(afterHave.evidence).toEqual([expect.stringMatching(/^a request for a piece it had told us it has: seeder 1001, peer→us @55 \+8ms: request 0/)]);
    const afterBitfield = requestNeverHeld(leecherWith(['peer', 3, bitfield(0b0100_0000)], ['peer', 4, interested], ['us', 5, unchoke], ['peer', 6, request(1)]));
    expect(afterBitfield.verdict).toBe('pass');
  });

  test('not shown without requests', () => {
    expect(requestNeverHeld(seederRun()).verdict).toBe('not-shown');
  });
});

/** The peer 1003 with our complete sources 1001 and 1002 (both unchoking it at +2ms), each given the steps after its opening. */
function twoSources(steps1001: Step[], steps1002: Step[], endAtMs = 2500) {
  const source = (ourId: number, steps: Step[]) =>
    connection([['peer', 1, handshake(1003)], ['us', 2, handshake(ourId)], ['us', 2, bitfield(0b1110_0000)], ['us', 2, unchoke], ['peer', 3, interested], ...steps], `source ${ourId}`, ourId);
  return twoSourcesRun({ connections: [source(1001, steps1001), source(1002, steps1002)], end: { by: 'itself', atMs: endAtMs, code: 0, signal: null } });
}

describe('request.never-twice', () => {
  test('asking another neighbour for other pieces while one is awaited passes, counting the requests where it could have asked twice', () => {
    expect(requestNeverTwice(twoSourcesRun())).toEqual({ verdict: 'pass', evidence: ['1 requests to one neighbour while a piece it also holds was asked of another; never that piece'] });
  });

  test('a piece asked of a second neighbour while the first has not answered fails, naming both requests', () => {
    const judged = requestNeverTwice(twoSources([['peer', 4, request(0)], ['us', 300, piece(0)]], [['peer', 5, request(0)], ['us', 300, piece(0)]]));
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence).toEqual([expect.stringMatching(/^source 1002, peer→us @37 \+5ms: request 0 .* while source 1001, peer→us @37 \+4ms: request 0 .* was unanswered$/)]);
  });

  test("a piece asked elsewhere once the first neighbour's choke voided it (or one asked within the grace, void too) passes", () => {
    const afterChoke = twoSources(
      [['peer', 4, request(0)], ['us', 100, choke], ['peer', 100 + CHOKE_GRACE_MS, request(2)]],
      [['peer', 5, request(1)], ['us', 300, piece(1)], ['peer', 301, request(0)], ['us', 600, piece(0)], ['peer', 601, request(2)]],
    );
    expect(requestNeverTwice(afterChoke)).toEqual({ verdict: 'pass', evidence: ['1 requests to one neighbour while a piece it also holds was asked of another; never that piece'] });
  });

  test('not shown with one neighbour, or where no neighbour held a piece asked of another', () => {
    expect(requestNeverTwice(leecherRun()).verdict).toBe('not-shown');
    expect(requestNeverTwice(byRateRun())).toEqual({ verdict: 'not-shown', evidence: ['the peer never asked a neighbour while a piece that one holds was asked of another'] });
  });
});

describe('request.reasked-after-choke', () => {
  test('a request cut by a choke and asked again passes, naming both', () => {
    expect(requestReaskedAfterChoke(twoSourcesRun()).evidence).toEqual([
      'source 1001, peer→us @37 +4ms: request 0 [00 00 00 05 06 00 00 00 00] cut by our choke at +100ms, asked again: source 1001, peer→us @46 +1101ms: request 0 [00 00 00 05 06 00 00 00 00]',
    ]);
  });

  test('one cut, then given by another neighbour asked before the choke, passes (asking twice is request.never-twice\'s fault)', () => {
    const run = twoSources([['peer', 4, request(0)], ['us', 100, choke], ['us', 1100, unchoke]], [['peer', 5, request(0)], ['us', 300, piece(0)]]);
    expect(requestReaskedAfterChoke(run).evidence).toEqual([expect.stringMatching(/cut by our choke at \+100ms, the piece came from another$/)]);
  });

  test('one cut and never asked again, though unchoked again at least p before the end, fails', () => {
    const neverAgain = (endAtMs: number) => twoSources([['peer', 4, request(0)], ['us', 100, choke], ['us', 1100, unchoke]], [['peer', 4, request(1)], ['us', 300, piece(1)]], endAtMs);
    expect(requestReaskedAfterChoke(neverAgain(2100))).toEqual({
      verdict: 'fail',
      evidence: ['source 1001, peer→us @37 +4ms: request 0 [00 00 00 05 06 00 00 00 00] cut by our choke at +100ms, unchoked again, and never asked again by the end (+2100ms)'],
    });
    expect(requestReaskedAfterChoke(neverAgain(2099)).verdict).toBe('not-shown');
  });

  test('not shown when no choke cut a request', () => {
    expect(requestReaskedAfterChoke(leecherRun())).toEqual({ verdict: 'not-shown', evidence: ['no request of the peer was cut by a choke and unchoked again in time'] });
  });
});
