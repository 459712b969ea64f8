import { serveNoneAfterChoke, serveOnlyUnchoked } from '../../src/conform/serveRules.js';
import { choke, connection, handshake, interested, leecherRun, piece, request, seederRun, unchoke, type Step } from './recordings.js';

const seedingWith = (...steps: Step[]) => seederRun({ connections: [connection([['peer', 1, handshake(1001)], ['us', 2, handshake(1002)], ['us', 3, interested], ...steps], 'leecher 1002', 1002)] });

describe('serve.only-unchoked', () => {
  test('our request before its unchoke dropped passes; answered after its unchoke is right', () => {
    expect(serveOnlyUnchoked(seederRun())).toEqual({ verdict: 'pass', evidence: ['1 of our requests came before the peer had unchoked us; no piece was sent then'] });
    expect(serveOnlyUnchoked(seedingWith(['us', 4, request(0)], ['peer', 5, unchoke], ['peer', 6, piece(0)])).verdict).toBe('pass');
  });

  test('a piece before any unchoke fails, with its bytes', () => {
    const judged = serveOnlyUnchoked(seedingWith(['us', 4, request(0)], ['peer', 5, piece(0)]));
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toMatch(/^a piece before the peer had unchoked us: leecher 1002, peer→us @32 \+5ms: piece 0 \(4 bytes\)/);
  });

  test('not shown when none of our requests came before an unchoke (our seeder asks for nothing)', () => {
    expect(serveOnlyUnchoked(leecherRun()).verdict).toBe('not-shown');
  });
});

describe('serve.none-after-choke', () => {
  test('our request after its choke dropped passes; answered after its next unchoke is right', () => {
    expect(serveNoneAfterChoke(seederRun())).toEqual({ verdict: 'pass', evidence: ['1 of our requests came after the peer had choked us; no piece was sent then'] });
    expect(serveNoneAfterChoke(seedingWith(['peer', 4, unchoke], ['peer', 5, choke], ['us', 6, request(0)], ['peer', 7, unchoke], ['peer', 8, piece(0)])).verdict).toBe('pass');
  });

  test('a piece after its choke fails; a piece before its first unchoke is serve.only-unchoked\'s, not this rule\'s', () => {
    const judged = serveNoneAfterChoke(seedingWith(['peer', 4, unchoke], ['peer', 5, choke], ['us', 6, request(0)], ['peer', 7, piece(0)]));
    expect(judged.verdict).toBe('fail');
    expect(judged.evidence[0]).toMatch(/^a piece after the peer had choked us: leecher 1002, peer→us @42 \+7ms: piece 0/);
    expect(serveNoneAfterChoke(seedingWith(['us', 4, request(0)], ['peer', 5, piece(0)])).verdict).toBe('not-shown');
  });
});
