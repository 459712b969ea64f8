/**
 * Serving the info dictionary (BEP 9, ut_metadata): a torrent given its
 * info dictionary announces ut_metadata and metadata_size and answers
 * requests, so a magnet client gets the .torrent from us; a MetadataFetcher
 * (what a magnet download of ours will use) fetches it over the in-memory rig.
 */
import { jest } from '@jest/globals';
import bencode from 'bencode';
import { createHash } from 'crypto';
import { MetadataFetcher } from '../../src/magnet/MetadataFetcher.js';
import { METADATA_PIECE_BYTES, UT_METADATA, decodeUtMetadata, encodeUtMetadata, type UtMetadataMessage } from '../../src/wire/bt/index.js';
import { knownBytes } from '../support/fixtures.js';
import type { RawBtPeer } from '../support/RawBtPeer.js';
import { RIG_PIECE_LENGTH, TorrentRig, extendedPayloads, extensionHandshakeOf, torrentExtensionHandshake } from './torrentRig.js';

jest.setTimeout(20_000);
let rig: TorrentRig;
afterEach(() => rig?.stop());

const PIECES = 4;
/** The id our raw peers read ut_metadata under. */
const THEIR_METADATA_ID = 3;

/**
 * The info dictionary of the rig's content, with an extra key (clients keep
 * unknown keys; the hash covers them) that makes it two metadata pieces.
 */
function infoDictionaryOf(content: Buffer): Buffer {
  const pieces = Buffer.concat(
    Array.from({ length: PIECES }, (_, i) => createHash('sha1').update(content.subarray(i * RIG_PIECE_LENGTH, (i + 1) * RIG_PIECE_LENGTH)).digest()),
  );
  return bencode.encode({ length: content.length, name: 'rig.bin', 'piece length': RIG_PIECE_LENGTH, pieces, 'x-note': Buffer.alloc(20_000, 0x61) });
}

/** A seed of the rig's content (knownBytes, as the rig makes it) that serves its info dictionary. */
function rigWithMetadata(): TorrentRig {
  return new TorrentRig({ pieceCount: PIECES, held: 'all', infoDictionary: infoDictionaryOf(knownBytes(PIECES * RIG_PIECE_LENGTH, 7)) });
}

/** `peer` asks for these metadata pieces under the id the torrent announced. */
async function ask(peer: RawBtPeer, ...pieces: number[]): Promise<void> {
  const ourId = (await torrentExtensionHandshake(peer)).extensions.get(UT_METADATA)!;
  for (const piece of pieces) peer.send({ kind: 'extended', id: ourId, payload: encodeUtMetadata({ type: 'request', piece }) });
}

/** The first `count` ut_metadata answers `peer` received. */
async function answers(peer: RawBtPeer, count: number): Promise<UtMetadataMessage[]> {
  const payloads = await peer.until(() => {
    const received = extendedPayloads(peer, THEIR_METADATA_ID);
    return received.length >= count && received;
  }, `${count} ut_metadata answers`);
  return payloads.map((payload) => decodeUtMetadata(payload)!);
}

test('a MetadataFetcher gets the info dictionary from the torrent: two pieces, hashing to the info-hash, a usable torrent', async () => {
  rig = rigWithMetadata();
  const peer = await rig.open('magnet client', { opening: [{ kind: 'have-none' }, extensionHandshakeOf({ [UT_METADATA]: THEIR_METADATA_ID })] });
  const theirs = await torrentExtensionHandshake(peer);
  expect(theirs.metadataSize).toBe(infoDictionaryOf(rig.content).length);
  expect(theirs.metadataSize).toBeGreaterThan(METADATA_PIECE_BYTES);

  const fetcher = new MetadataFetcher<string>({ infoHash: rig.infoHash, now: () => rig.clock.now(), label: 'magnet:?xt=urn:btih:rig' });
  expect(fetcher.addPeer('rig', theirs)).toBe('added');
  const asked = fetcher.requestsFor('rig');
  expect(asked).toEqual([0, 1]);
  await ask(peer, ...asked);
  const outcomes = (await answers(peer, 2)).map((answer) => {
    if (answer.type !== 'data') throw new Error(`the torrent answered ${JSON.stringify(answer)}`);
    return fetcher.onData('rig', answer.piece, answer.totalSize, Buffer.from(answer.data));
  });
  const done = outcomes[1];
  if (done.kind !== 'complete') throw new Error(`unexpected outcome ${JSON.stringify(outcomes)}`);
  expect(done.metaInfo).toMatchObject({ name: 'rig.bin', length: rig.layout.fileSize, pieceCount: PIECES, infoHash: rig.infoHash });
  expect(outcomes[0].kind).toBe('stored');
});

test('a piece past the end is rejected, and so are requests past a peer\'s allowance; the connection lives on', async () => {
  rig = rigWithMetadata();
  const peer = await rig.open('greedy', { opening: [{ kind: 'have-none' }, extensionHandshakeOf({ [UT_METADATA]: THEIR_METADATA_ID })] });
  await ask(peer, 2);
  expect(await answers(peer, 1)).toEqual([{ type: 'reject', piece: 2 }]);
  // The allowance: twice the metadata (4 requests) a minute; the reject above counted none.
  await ask(peer, 0, 1, 0, 1, 0);
  const kinds = (await answers(peer, 6)).slice(1).map((answer) => `${answer.type} ${answer.piece}`);
  expect(kinds).toEqual(['data 0', 'data 1', 'data 0', 'data 1', 'reject 0']);
  expect(peer.closed).toBe(false);
});

test('a torrent without its info dictionary announces no ut_metadata and answers no request', async () => {
  rig = new TorrentRig({ pieceCount: PIECES });
  const peer = await rig.open('asker', { opening: [{ kind: 'have-none' }, extensionHandshakeOf({ [UT_METADATA]: THEIR_METADATA_ID })] });
  const theirs = await torrentExtensionHandshake(peer);
  expect([theirs.extensions.has(UT_METADATA), theirs.metadataSize]).toEqual([false, undefined]);
  for (let id = 1; id <= 0xff; id++) peer.send({ kind: 'extended', id, payload: encodeUtMetadata({ type: 'request', piece: 0 }) });
  await rig.sync(peer);
  await rig.settle();
  expect(extendedPayloads(peer, THEIR_METADATA_ID)).toEqual([]);
  expect(peer.closed).toBe(false);
});
