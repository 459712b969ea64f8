import { fileCompleteAndIdentical, haveAfterEachPiece, haveToEveryNeighbour, serveRightBytes } from '../../src/conform/transferRules.js';
import { MessageType } from '../../src/wire/index.js';
import { FILE, LEECHER_OPENING, bitfield, connection, handshake, have, interested, lateJoinerRun, leecherRun, piece, request, seederRun, unchoke, type Step } from './recordings.js';

const seederServing = (...steps: Step[]) =>
  seederRun({ connections: [connection([['peer', 1, handshake(1001)], ['us', 2, handshake(1002)], ['us', 3, interested], ['peer', 4, unchoke], ...steps], 'leecher 1002', 1002)] });

describe('serve.right-bytes', () => {
  test('whole pieces with the right bytes pass, the last one short as it should be', () => {
    const judged = serveRightBytes(seederServing(['us', 5, request(2)], ['peer', 6, piece(2)]));
    expect(judged.verdict).toBe('pass');
    expect(judged.evidence[0]).toBe('1 pieces, each whole and right, e.g. leecher 1002, peer→us @37 +6ms: piece 2 (2 bytes) [00 00 00 07 07 00 00 00 02 69 6a]');
  });

  test('wrong bytes, a cut piece, an index out of range: each fails with the frame', () => {
    const judged = serveRightBytes(
      seederServing(['peer', 6, piece(0, Buffer.from('abcX'))], ['peer', 7, piece(1, Buffer.from('ef'))], ['peer', 8, piece(3, Buffer.from('zz'))]),
    );
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence).toEqual([
      expect.stringMatching(/^bytes differ from the file's piece 0: leecher 1002, peer→us @37 \+6ms: piece 0/),
      expect.stringMatching(/^2 bytes, the piece has 4: .* @50 \+7ms: piece 1/),
      expect.stringMatching(/^piece 3 of 3: /),
    ]);
  });

  test('not shown when the peer served nothing', () => {
    expect(serveRightBytes(leecherRun()).verdict).toBe('not-shown');
  });
});

describe('have.after-each-piece', () => {
  test('a have for each piece given passes', () => {
    expect(haveAfterEachPiece(leecherRun())).toEqual({ verdict: 'pass', evidence: ['a have for each of the 3 pieces we gave'] });
  });

  test('a missing have fails, naming the piece frame it should have followed', () => {
    const run = leecherRun({
      connections: [connection([...LEECHER_OPENING, ['peer', 3, interested], ['us', 4, unchoke], ['peer', 5, request(1)], ['us', 6, piece(1)], ['peer', 7, request(0)], ['us', 8, piece(0)], ['peer', 9, have(0)]])],
    });
    const judged = haveAfterEachPiece(run);
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence).toEqual([expect.stringMatching(/^no have 1 after seeder 1001, us→peer @43 \+6ms: piece 1 \(4 bytes\)/)]);
  });

  test('a piece given a second time owes no second have', () => {
    const run = leecherRun({
      connections: [connection([...LEECHER_OPENING, ['peer', 3, interested], ['us', 4, unchoke], ['peer', 5, request(1)], ['us', 6, piece(1)], ['peer', 7, have(1)], ['peer', 7, request(1)], ['us', 8, piece(1)]])],
    });
    expect(haveAfterEachPiece(run)).toEqual({ verdict: 'pass', evidence: ['a have for each of the 1 pieces we gave'] });
  });

  test('the first delivery is the first in time, whichever connection is listed first: one given later on another owes no have', () => {
    const opening = (ourId: number): Step[] => [['peer', 1, handshake(1003)], ['us', 2, handshake(ourId)], ['us', 2, bitfield(0b1110_0000)], ['us', 2, unchoke]];
    const run = lateJoinerRun({
      connections: [
        connection([...opening(1001), ['peer', 3, request(0)], ['peer', 11, have(0)], ['us', 20, piece(0)]], 'source 1001', 1001),
        connection([...opening(1002), ['peer', 3, request(0)], ['us', 10, piece(0)], ['peer', 11, have(0)]], 'source 1002', 1002),
      ],
    });
    expect(haveAfterEachPiece(run)).toEqual({ verdict: 'pass', evidence: ['a have for each of the 1 pieces we gave'] });
  });
});

describe('file.complete-and-identical', () => {
  test('identical passes; missing, short or different fails', () => {
    expect(fileCompleteAndIdentical(leecherRun()).evidence).toEqual(['peer_1002/conform.dat: 10 bytes, identical']);
    expect(fileCompleteAndIdentical(leecherRun({ peerFile: undefined })).evidence).toEqual(['no peer_1002/conform.dat after the run']);
    expect(fileCompleteAndIdentical(leecherRun({ peerFile: FILE.subarray(0, 8) })).evidence).toEqual(['peer_1002/conform.dat has 8 bytes, the file 10']);
    const different = Buffer.from(FILE);
    different[9] = 0;
    expect(fileCompleteAndIdentical(leecherRun({ peerFile: different }))).toEqual({ verdict: 'fail', evidence: ['peer_1002/conform.dat: piece 2 (bytes 8…) differs from the file'] });
  });
});

describe('have.to-every-neighbour', () => {
  const [from1001, from1002, from1004] = lateJoinerRun().connections;

  test('a have to every other neighbour after each piece passes', () => {
    expect(haveToEveryNeighbour(lateJoinerRun())).toEqual({ verdict: 'pass', evidence: ['6 haves to neighbours other than the one that gave the piece'] });
  });

  test('a neighbour left without the have fails, naming the piece, the neighbour and the giver', () => {
    const silentTo1004 = { ...from1004, units: from1004.units.filter((u) => !(u.side === 'peer' && u.kind === 'message' && u.message.type === MessageType.Have && u.message.index === 2)) };
    expect(haveToEveryNeighbour(lateJoinerRun({ connections: [from1001, from1002, silentTo1004] }))).toEqual({
      verdict: 'fail',
      evidence: ['no have 2 to later 1004 after the piece came from earlier 1002 at +23ms'],
    });
  });

  test("a neighbour connected after the piece came is not owed a have; one told by the peer's bitfield is told", () => {
    const late = connection([['peer', 30, handshake(1003)], ['us', 30, handshake(1004)]], 'later 1004', 1004);
    expect(haveToEveryNeighbour(lateJoinerRun({ connections: [from1001, from1002, late] })).verdict).toBe('pass');
    const toldByBitfield = connection([['peer', 1, handshake(1003)], ['us', 2, handshake(1004)], ['peer', 25, bitfield(0b1110_0000)]], 'later 1004', 1004);
    expect(haveToEveryNeighbour(lateJoinerRun({ connections: [from1001, from1002, toldByBitfield] })).verdict).toBe('pass');
  });

  test('not shown with a single neighbour', () => {
    expect(haveToEveryNeighbour(leecherRun()).verdict).toBe('not-shown');
  });
});
