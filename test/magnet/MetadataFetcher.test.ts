import fc from 'fast-check';
import bencode from 'bencode';
import { createHash } from 'crypto';
import { AddPeerOutcome, DEFAULT_METADATA_REQUEST_TIMEOUT_MS, MetadataFetcher } from '../../src/magnet/MetadataFetcher.js';
import type { ExtensionHandshake } from '../../src/wire/bt/index.js';
import { MAX_METADATA_BYTES, METADATA_PIECE_BYTES } from '../../src/wire/bt/UtMetadata.js';

/** A real info dictionary of 3 metadata pieces (2,000 piece hashes), and its pieces. */
const PIECE_LENGTH = 16384;
const INFO = bencode.encode({ length: 2000 * PIECE_LENGTH, name: 'film.mkv', 'piece length': PIECE_LENGTH, pieces: Buffer.alloc(2000 * 20, 0x5a) });
const INFO_HASH = createHash('sha1').update(INFO).digest();
const piece = (index: number) => INFO.subarray(index * METADATA_PIECE_BYTES, (index + 1) * METADATA_PIECE_BYTES);
const LABEL = 'magnet:?xt=urn:btih:' + INFO_HASH.toString('hex');

const handshake = (metadataSize: number | undefined, utMetadataId = 3): ExtensionHandshake => ({
  extensions: new Map([['ut_metadata', utMetadataId]]),
  ...(metadataSize === undefined ? {} : { metadataSize }),
});

function setUp(infoHash = INFO_HASH) {
  const clock = { ms: 0 };
  const fetcher = new MetadataFetcher<string>({ infoHash, now: () => clock.ms, label: LABEL });
  const add = (...peers: string[]) => peers.forEach((peer) => expect(fetcher.addPeer(peer, handshake(INFO.length))).toBe('added'));
  const send = (peer: string, index: number, data = piece(index)) => fetcher.onData(peer, index, INFO.length, data);
  return { clock, fetcher, add, send };
}

test('the test torrent spans three metadata pieces, the last one short', () => {
  expect(Math.ceil(INFO.length / METADATA_PIECE_BYTES)).toBe(3);
  expect(INFO.length % METADATA_PIECE_BYTES).not.toBe(0);
});

describe('MetadataFetcher', () => {
  test('one peer: two requests at a time, pieces in any order, then the MetaInfo', () => {
    const { fetcher, add, send } = setUp();
    add('A');
    expect(fetcher.requestsFor('A')).toEqual([0, 1]);
    expect(fetcher.requestsFor('A')).toEqual([]);
    expect(send('A', 1)).toEqual({ kind: 'stored' });
    expect(fetcher.requestsFor('A')).toEqual([2]);
    expect(send('A', 2)).toEqual({ kind: 'stored' });
    const outcome = send('A', 0);
    expect(outcome.kind).toBe('complete');
    if (outcome.kind !== 'complete') return;
    expect(outcome.infoDictionary).toEqual(INFO);
    expect(outcome.metaInfo).toMatchObject({ name: 'film.mkv', length: 2000 * PIECE_LENGTH, pieceCount: 2000, infoHash: INFO_HASH, trackerTiers: [] });
    // Done: nothing more to ask, late answers ignored.
    expect(fetcher.requestsFor('A')).toEqual([]);
    expect(send('A', 0)).toEqual({ kind: 'ignored' });
  });

  test.each<[string, ExtensionHandshake, AddPeerOutcome]>([
    ['without ut_metadata', { extensions: new Map([['ut_pex', 1]]), metadataSize: 100 }, 'no-ut-metadata'],
    ['with ut_metadata turned off (id 0)', handshake(100, 0), 'no-ut-metadata'],
    ['without metadata_size', handshake(undefined), 'no-metadata-size'],
    ['over the cap', handshake(MAX_METADATA_BYTES + 1), 'too-large'],
    ['at the cap', handshake(MAX_METADATA_BYTES), 'added'],
  ])('a peer %s: %s', (_name, shake, outcome) => {
    const { fetcher } = setUp();
    expect(fetcher.addPeer('A', shake)).toBe(outcome);
    expect(fetcher.requestsFor('A')).toHaveLength(outcome === 'added' ? 2 : 0);
  });

  test('two peers are asked for different pieces; once all are asked, a third peer gets the slow ones (end game)', () => {
    const { fetcher, add, send } = setUp();
    add('A', 'B', 'C');
    expect(fetcher.requestsFor('A')).toEqual([0, 1]);
    expect(fetcher.requestsFor('B')).toEqual([2]);
    expect(fetcher.requestsFor('C')).toEqual([0, 1]);
    expect(send('C', 1)).toEqual({ kind: 'stored' });
    expect(send('A', 1)).toEqual({ kind: 'ignored' }); // the late copy
    expect(send('B', 2)).toEqual({ kind: 'stored' });
    expect(send('A', 0).kind).toBe('complete');
  });

  test('a rejected piece goes to another peer at once, and back to the rejecting peer only after the timeout', () => {
    const { clock, fetcher, add } = setUp();
    add('A', 'B');
    expect(fetcher.requestsFor('A')).toEqual([0, 1]);
    fetcher.onReject('A', 0);
    fetcher.onReject('A', 2); // never asked of A: no effect
    expect(fetcher.requestsFor('A')).toEqual([2]);
    expect(fetcher.requestsFor('B')).toEqual([0]);
    fetcher.onReject('B', 0);
    expect(fetcher.requestsFor('A')).toEqual([]);
    clock.ms = DEFAULT_METADATA_REQUEST_TIMEOUT_MS - 1;
    expect(fetcher.requestsFor('A')).toEqual([]);
    // A's bar on 0 is over, and its unanswered 1 and 2 expire, barring A from them in turn.
    clock.ms = DEFAULT_METADATA_REQUEST_TIMEOUT_MS;
    expect(fetcher.requestsFor('A')).toEqual([0]);
    expect(fetcher.requestsFor('B')).toEqual([1, 2]);
  });

  test('a request unanswered for the timeout is given up and asked of another peer', () => {
    const { clock, fetcher, add, send } = setUp();
    add('A', 'B');
    expect(fetcher.requestsFor('A')).toEqual([0, 1]);
    expect(fetcher.requestsFor('B')).toEqual([2]);
    expect(send('A', 0)).toEqual({ kind: 'stored' });
    clock.ms = DEFAULT_METADATA_REQUEST_TIMEOUT_MS - 1;
    expect(fetcher.expireRequests()).toEqual([]);
    clock.ms = DEFAULT_METADATA_REQUEST_TIMEOUT_MS;
    expect(fetcher.expireRequests()).toEqual([
      { peer: 'A', piece: 1 },
      { peer: 'B', piece: 2 },
    ]);
    expect(fetcher.requestsFor('B')).toEqual([1]);
    expect(fetcher.requestsFor('A')).toEqual([2]);
  });

  test('a peer that leaves frees its pieces for the others', () => {
    const { fetcher, add } = setUp();
    add('A', 'B');
    expect(fetcher.requestsFor('A')).toEqual([0, 1]);
    expect(fetcher.requestsFor('B')).toEqual([2]);
    fetcher.removePeer('A');
    expect(fetcher.requestsFor('B')).toEqual([0]);
  });

  test('unrequested data is ignored; a wrong total_size or piece size is misbehaviour', () => {
    const { fetcher, add, send } = setUp();
    add('A');
    expect(send('A', 0)).toEqual({ kind: 'ignored' });
    expect(send('Z', 0)).toEqual({ kind: 'ignored' });
    fetcher.requestsFor('A');
    expect(fetcher.onData('A', 0, INFO.length + 1, piece(0))).toEqual({ kind: 'misbehaving', problem: `sent total_size ${INFO.length + 1} after announcing metadata_size ${INFO.length}` });
    expect(send('A', 0, piece(0).subarray(1))).toEqual({ kind: 'misbehaving', problem: `sent ${METADATA_PIECE_BYTES - 1} bytes for metadata piece 0, not ${METADATA_PIECE_BYTES}` });
    expect(fetcher.onData('A', 7, INFO.length, piece(0))).toEqual({ kind: 'ignored' }); // no such piece
  });

  test('a hash mismatch blames every peer that sent a piece, forgets them, and starts over', () => {
    const { fetcher, add, send } = setUp();
    add('A', 'B');
    expect(fetcher.requestsFor('A')).toEqual([0, 1]);
    expect(fetcher.requestsFor('B')).toEqual([2]);
    send('A', 0);
    send('B', 2, Buffer.alloc(piece(2).length, 0xff));
    expect(send('A', 1)).toEqual({ kind: 'hash-mismatch', blamed: ['A', 'B'] });
    expect(fetcher.requestsFor('A')).toEqual([]);
    add('C');
    expect(fetcher.requestsFor('C')).toEqual([0, 1]);
    send('C', 0);
    send('C', 1);
    expect(fetcher.requestsFor('C')).toEqual([2]);
    expect(send('C', 2).kind).toBe('complete');
  });

  test('peers announcing another size wait while most peers agree, and are used once those are gone', () => {
    const { fetcher, add } = setUp();
    expect(fetcher.addPeer('liar', handshake(100))).toBe('added');
    add('A', 'B');
    expect(fetcher.requestsFor('liar')).toEqual([]);
    expect(fetcher.requestsFor('A')).toEqual([0, 1]);
    fetcher.removePeer('A');
    expect(fetcher.requestsFor('liar')).toEqual([]);
    fetcher.removePeer('B');
    expect(fetcher.requestsFor('liar')).toEqual([0]);
    expect(fetcher.onData('liar', 0, 100, Buffer.alloc(100))).toEqual({ kind: 'hash-mismatch', blamed: ['liar'] });
  });

  test('a new extension handshake replaces the old: its requests are given up', () => {
    const { fetcher, add } = setUp();
    add('A', 'B');
    expect(fetcher.requestsFor('A')).toEqual([0, 1]);
    add('A');
    expect(fetcher.requestsFor('B')).toEqual([0, 1]);
  });

  test('an info dictionary with the right hash but not a usable torrent is unusable, with the problem', () => {
    const bad = bencode.encode({ name: 'x' });
    const { fetcher } = setUp(createHash('sha1').update(bad).digest());
    expect(fetcher.addPeer('A', handshake(bad.length))).toBe('added');
    expect(fetcher.requestsFor('A')).toEqual([0]);
    const outcome = fetcher.onData('A', 0, bad.length, bad);
    expect(outcome).toMatchObject({ kind: 'unusable', infoDictionary: bad });
    if (outcome.kind === 'unusable') expect(outcome.error.message).toBe(`${LABEL}: 'info.length' (or 'info.files' for several files) is missing`);
    expect(fetcher.requestsFor('A')).toEqual([]);
  });
});

describe('MetadataFetcher properties (seed 42)', () => {
  type Step = { peer: number; action: 'ask' | 'answer' | 'reject' | 'wait' | 'leave' };
  const steps = fc.array(
    fc.record({ peer: fc.integer({ min: 0, max: 2 }), action: fc.constantFrom<Step['action']>('ask', 'ask', 'answer', 'answer', 'reject', 'wait', 'leave') }),
    { maxLength: 40 },
  );

  test('honest peers answering, rejecting, timing out and leaving in any order: a piece is asked twice only in the end game, and the fetch completes', () => {
    fc.assert(
      fc.property(steps, (script) => {
        const { clock, fetcher, send } = setUp();
        const peers = ['A', 'B', 'C'];
        const outstanding = new Map(peers.map((p) => [p, [] as number[]]));
        const received = new Set<number>();
        peers.forEach((p) => fetcher.addPeer(p, handshake(INFO.length)));
        // `outstanding` mirrors what the fetcher holds as asked: given-up requests and copies of received pieces leave it.
        const forget = (peer: string, index: number) => outstanding.set(peer, outstanding.get(peer)!.filter((i) => i !== index));
        const ask = (peer: string) => {
          for (const expired of fetcher.expireRequests()) forget(expired.peer, expired.piece);
          const asked = fetcher.requestsFor(peer);
          for (const index of asked) {
            const elsewhere = peers.some((other) => other !== peer && outstanding.get(other)!.includes(index));
            const unaskedLeft = [0, 1, 2].some((i) => !received.has(i) && !peers.some((p) => outstanding.get(p)!.includes(i)));
            if (elsewhere) expect(unaskedLeft).toBe(false);
          }
          outstanding.get(peer)!.push(...asked);
        };
        const answer = (peer: string) => {
          const index = outstanding.get(peer)!.shift();
          if (index === undefined) return undefined;
          const outcome = send(peer, index);
          if (outcome.kind === 'stored' || outcome.kind === 'complete') received.add(index);
          peers.forEach((p) => forget(p, index));
          return outcome.kind;
        };
        for (const { peer: n, action } of script) {
          const peer = peers[n];
          if (action === 'ask') ask(peer);
          if (action === 'answer' && answer(peer) === 'complete') return;
          if (action === 'reject') {
            const index = outstanding.get(peer)!.shift();
            if (index !== undefined) fetcher.onReject(peer, index);
          }
          if (action === 'wait') clock.ms += DEFAULT_METADATA_REQUEST_TIMEOUT_MS / 2;
          if (action === 'leave') {
            fetcher.removePeer(peer);
            outstanding.set(peer, []);
            fetcher.addPeer(peer, handshake(INFO.length));
          }
        }
        // Then everyone answers everything, waiting out bars when nothing is handed out.
        for (let round = 0; round < 20; round++) {
          clock.ms += DEFAULT_METADATA_REQUEST_TIMEOUT_MS;
          for (const peer of peers) {
            ask(peer);
            while (outstanding.get(peer)!.length > 0) if (answer(peer) === 'complete') return;
          }
        }
        throw new Error('the fetch never completed');
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
