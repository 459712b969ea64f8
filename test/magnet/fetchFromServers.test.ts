import bencode from 'bencode';
import { createHash } from 'crypto';
import { MetadataFetcher } from '../../src/magnet/MetadataFetcher.js';
import { MetadataServer } from '../../src/magnet/MetadataServer.js';
import { decodeUtMetadata, encodeUtMetadata } from '../../src/wire/bt/UtMetadata.js';

const FILES = 1100;
/** A multi-file info dictionary of 4 metadata pieces. */
const INFO = bencode.encode({
  files: Array.from({ length: FILES }, (_, i) => ({ length: 1000 + i, path: [`folder ${i % 7}`, `file ${i}.bin`] })),
  name: 'album',
  'piece length': 65536,
  pieces: Buffer.alloc(20 * Math.ceil(Array.from({ length: FILES }, (_, i) => 1000 + i).reduce((a, b) => a + b) / 65536), 1),
});

test('a fetcher gets the metadata from two seeders through the wire codec, one of them rate-limited', () => {
  const clock = { ms: 0 };
  const now = () => clock.ms;
  const fetcher = new MetadataFetcher<string>({ infoHash: createHash('sha1').update(INFO).digest(), now, label: 'magnet:?xt=urn:btih:test' });
  const servers = new Map([
    ['fast', new MetadataServer<string>({ now })],
    ['stingy', new MetadataServer<string>({ now, maxRequestsPerMinute: 1 })],
  ]);
  for (const [name, server] of servers) {
    server.setInfoDictionary(INFO);
    expect(fetcher.addPeer(name, { extensions: new Map([['ut_metadata', 2]]), metadataSize: server.metadataSize })).toBe('added');
  }
  expect(Math.ceil(INFO.length / 16384)).toBe(4);
  let rejects = 0;
  for (let round = 0; round < 10; round++) {
    for (const [name, server] of servers) {
      for (const piece of fetcher.requestsFor(name)) {
        const request = decodeUtMetadata(encodeUtMetadata({ type: 'request', piece }));
        const reply = decodeUtMetadata(encodeUtMetadata(server.answer('us', request!.piece)));
        if (reply!.type === 'reject') {
          rejects++;
          fetcher.onReject(name, reply!.piece);
        }
        else if (reply!.type === 'data') {
          const outcome = fetcher.onData(name, reply!.piece, reply!.totalSize, reply!.data);
          if (outcome.kind === 'complete') {
            expect(outcome.infoDictionary).toEqual(INFO);
            expect(outcome.metaInfo).toMatchObject({ name: 'album', multiFile: true });
            expect(outcome.metaInfo.files).toHaveLength(FILES);
            expect(rejects).toBeGreaterThan(0);
            return;
          }
          expect(outcome.kind).toBe('stored');
        }
      }
    }
    clock.ms += 1000;
  }
  throw new Error('the metadata never arrived');
});
