import { MetadataServer } from '../../src/magnet/MetadataServer.js';
import { MAX_METADATA_BYTES, METADATA_PIECE_BYTES, decodeUtMetadata, encodeUtMetadata } from '../../src/wire/bt/UtMetadata.js';

const METADATA = Buffer.from(Array.from({ length: 2 * METADATA_PIECE_BYTES + 100 }, (_, i) => i % 251));

function setUp(maxRequestsPerMinute?: number) {
  const clock = { ms: 0 };
  const server = new MetadataServer<string>({ now: () => clock.ms, ...(maxRequestsPerMinute === undefined ? {} : { maxRequestsPerMinute }) });
  return { clock, server };
}

describe('MetadataServer', () => {
  test('serves each piece, the last one short, as messages the codec accepts', () => {
    const { server } = setUp();
    server.setInfoDictionary(METADATA);
    expect(server.metadataSize).toBe(METADATA.length);
    const pieces = [0, 1, 2].map((piece) => server.answer('A', piece));
    expect(pieces.map((m) => (m.type === 'data' ? m.data.length : m.type))).toEqual([METADATA_PIECE_BYTES, METADATA_PIECE_BYTES, 100]);
    for (const m of pieces) expect(decodeUtMetadata(encodeUtMetadata(m))).toEqual(m);
    expect(Buffer.concat(pieces.map((m) => (m.type === 'data' ? m.data : Buffer.alloc(0))))).toEqual(METADATA);
  });

  test('rejects a piece past the end', () => {
    const { server } = setUp();
    server.setInfoDictionary(METADATA);
    expect(server.answer('A', 3)).toEqual({ type: 'reject', piece: 3 });
  });

  test('rejects everything until it has the metadata, and has no metadata_size to announce', () => {
    const { server } = setUp();
    expect(server.metadataSize).toBeUndefined();
    expect(server.answer('A', 0)).toEqual({ type: 'reject', piece: 0 });
  });

  test('does not serve an info dictionary over the cap (peers would refuse it)', () => {
    const { server } = setUp();
    server.setInfoDictionary(Buffer.alloc(MAX_METADATA_BYTES + 1));
    expect(server.metadataSize).toBeUndefined();
    expect(server.answer('A', 0)).toEqual({ type: 'reject', piece: 0 });
  });

  test('by default a peer may fetch the whole metadata twice a minute; the rest is rejected until the minute is over', () => {
    const { clock, server } = setUp();
    server.setInfoDictionary(METADATA);
    const kinds = (peer: string) => Array.from({ length: 7 }, (_, i) => server.answer(peer, i % 3).type);
    expect(kinds('A')).toEqual(['data', 'data', 'data', 'data', 'data', 'data', 'reject']);
    expect(kinds('B')[0]).toBe('data'); // per peer
    clock.ms = 59_999;
    expect(server.answer('A', 0).type).toBe('reject');
    clock.ms = 60_000;
    expect(server.answer('A', 0).type).toBe('data');
  });

  test('a forgotten peer starts afresh; the allowance can be set', () => {
    const { server } = setUp(1);
    server.setInfoDictionary(METADATA);
    expect(server.answer('A', 0).type).toBe('data');
    expect(server.answer('A', 0).type).toBe('reject');
    server.forgetPeer('A');
    expect(server.answer('A', 0).type).toBe('data');
  });
});
