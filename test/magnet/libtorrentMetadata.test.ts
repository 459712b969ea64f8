/**
 * The ut_metadata codec, MetadataFetcher and MetadataServer against a real
 * client, both ways, on 127.0.0.1: Debian's libtorrent seeds a torrent whose
 * info dictionary spans two metadata pieces and a hand-driven connection
 * fetches that dictionary from it; then libtorrent opens our magnet link and
 * fetches it from a hand-driven connection serving it, and from our own
 * `swarmlab seed` (the torrent wiring MetadataServer in). Never skipped: a
 * missing libtorrent fails naming `npm run setup`; the last case needs
 * `npm run build` (npm test does it).
 */
import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';
import type * as net from 'net';
import { parseMagnetLink } from '../../src/magnet/MagnetLink.js';
import { MetadataFetcher } from '../../src/magnet/MetadataFetcher.js';
import { MetadataServer } from '../../src/magnet/MetadataServer.js';
import { metaInfoFromInfoDictionary } from '../../src/magnet/infoDictionary.js';
import { BDict, bdecode } from '../../src/core/bencode/bdecode.js';
import { TORRENT_BDECODE_LIMITS } from '../../src/metainfo/limits.js';
import { makeTorrent } from '../../src/metainfo/makeTorrent.js';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { encodeExtensionHandshake, EXTENSION_HANDSHAKE_ID, parseExtensionHandshake } from '../../src/wire/bt/index.js';
import { decodeUtMetadata, encodeUtMetadata, UT_METADATA } from '../../src/wire/bt/UtMetadata.js';
import { knownBytes, makeTempDir, removeTempDir } from '../support/fixtures.js';
import { RawBtPeer } from '../support/RawBtPeer.js';
import { startLibtorrent } from '../support/realClients/libtorrent.js';
import { startClientProcess, type RunningClient } from '../support/realClients/clientProcess.js';
import { startSwarmlab } from '../support/realClients/swarmlab.js';
import { missingToolError } from '../support/requiredTools.js';
import { closeServer, freePort, listenOnLoopback } from '../support/sockets.js';

jest.setTimeout(60_000);

/** Our ut_metadata id: what libtorrent puts in the messages it sends us. */
const OUR_UT_METADATA_ID = 3;
/** 1,300 pieces of 16 KiB: 26,000 bytes of hashes, so the info dictionary is two metadata pieces. */
const PIECE_BYTES = 16 * 1024;
const PIECES = 1300;

let root: string;
let client: RunningClient | undefined;
let seed: RunningClient | undefined;
let peer: RawBtPeer | undefined;
let server: net.Server | undefined;

beforeEach(() => {
  root = makeTempDir('swarmlab-ut-metadata-');
});

afterEach(async () => {
  peer?.destroy();
  await client?.stop();
  await seed?.stop();
  if (server) await closeServer(server);
  [peer, client, seed, server] = [undefined, undefined, undefined, undefined];
  removeTempDir(root);
});

/** A torrent of one file whose info dictionary spans two metadata pieces: its seed folder, .torrent file and MetaInfo. */
async function twoPieceTorrent() {
  const seedDir = path.join(root, 'seed');
  fs.mkdirSync(seedDir);
  const data = path.join(seedDir, 'data.bin');
  fs.writeFileSync(data, knownBytes(PIECES * PIECE_BYTES - 1000, 3));
  const torrentFile = path.join(root, 'data.torrent');
  fs.writeFileSync(torrentFile, await makeTorrent(data, { pieceSize: PIECE_BYTES }));
  return { seedDir, torrentFile, meta: parseMetaInfo(fs.readFileSync(torrentFile), torrentFile) };
}

test('fetches the info dictionary of a torrent libtorrent seeds, by ut_metadata only, and it hashes to the info-hash', async () => {
  const { seedDir, torrentFile, meta } = await twoPieceTorrent();
  const port = await freePort();
  client = await startLibtorrent({ role: 'seed', torrent: torrentFile, dir: seedDir, port });
  await client.untilLine(/"seeding"/, 30_000);

  peer = await RawBtPeer.connect(port, meta.pieceCount, 'magnet fetcher');
  peer.sendHandshake(meta.infoHash, Buffer.from('-SL0100-magnet-test1'));
  await peer.handshake();
  peer.send({ kind: 'extended', id: EXTENSION_HANDSHAKE_ID, payload: encodeExtensionHandshake({ extensions: new Map([[UT_METADATA, OUR_UT_METADATA_ID]]) }) });
  const theirs = parseExtensionHandshake((await nextExtended(peer, EXTENSION_HANDSHAKE_ID)).payload);
  const theirId = theirs.extensions.get(UT_METADATA)!;

  const fetcher = new MetadataFetcher<string>({ infoHash: meta.infoHash, now: () => performance.now(), label: 'magnet:?xt=urn:btih:' + meta.infoHash.toString('hex') });
  expect(fetcher.addPeer('libtorrent', theirs)).toBe('added');
  expect(theirs.metadataSize).toBeGreaterThan(PIECE_BYTES);
  for (;;) {
    for (const piece of fetcher.requestsFor('libtorrent')) peer.send({ kind: 'extended', id: theirId, payload: encodeUtMetadata({ type: 'request', piece }) });
    const reply = decodeUtMetadata((await nextExtended(peer, OUR_UT_METADATA_ID)).payload);
    if (reply?.type !== 'data') throw new Error(`libtorrent answered ${JSON.stringify(reply)}`);
    const outcome = fetcher.onData('libtorrent', reply.piece, reply.totalSize, reply.data);
    if (outcome.kind === 'stored') continue;
    if (outcome.kind !== 'complete') throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
    expect(outcome.metaInfo).toMatchObject({ name: 'data.bin', length: meta.length, pieceCount: PIECES, infoHash: meta.infoHash });
    expect(outcome.metaInfo.pieceHashes).toEqual(meta.pieceHashes);
    return;
  }
});

test('libtorrent opens our magnet link (x.pe names us) and fetches the info dictionary we serve', async () => {
  const { torrentFile, meta } = await twoPieceTorrent();
  const metadata = new MetadataServer<string>({ now: () => performance.now() });
  const info = (bdecode(fs.readFileSync(torrentFile), TORRENT_BDECODE_LIMITS) as BDict).get('info') as BDict;
  expect(metaInfoFromInfoDictionary(info.raw, 'test').infoHash).toEqual(meta.infoHash);
  metadata.setInfoDictionary(info.raw);
  let accepted!: (socket: net.Socket) => void;
  const connection = new Promise<net.Socket>((resolve) => (accepted = resolve));
  const listening = await listenOnLoopback((socket) => accepted(socket));
  server = listening.server;
  const link = `magnet:?xt=urn:btih:${meta.infoHash.toString('hex')}&dn=data.bin&x.pe=127.0.0.1:${listening.port}`;
  expect(parseMagnetLink(link).peers).toEqual([{ host: '127.0.0.1', port: listening.port }]);

  client = await startLtMagnet(link, await freePort());
  const socket = await connection;
  peer = RawBtPeer.over(socket, meta.pieceCount, 'metadata server', `${socket.remoteAddress}:${socket.remotePort}`);
  await peer.handshake();
  peer.sendHandshake(meta.infoHash, Buffer.from('-SL0100-magnet-test2'));
  peer.send({ kind: 'extended', id: EXTENSION_HANDSHAKE_ID, payload: encodeExtensionHandshake({ extensions: new Map([[UT_METADATA, OUR_UT_METADATA_ID]]), metadataSize: metadata.metadataSize }) });
  const theirId = parseExtensionHandshake((await nextExtended(peer, EXTENSION_HANDSHAKE_ID)).payload).extensions.get(UT_METADATA)!;
  const served = new Set<number>();
  while (served.size < 2) {
    const request = decodeUtMetadata((await nextExtended(peer, OUR_UT_METADATA_ID)).payload);
    if (request?.type !== 'request') throw new Error(`libtorrent sent ${JSON.stringify(request)}`);
    const answer = metadata.answer('libtorrent', request.piece);
    peer.send({ kind: 'extended', id: theirId, payload: encodeUtMetadata(answer) });
    if (answer.type === 'data') served.add(request.piece);
  }
  const said = JSON.parse(await client.untilLine(/"metadata"/, 10_000));
  expect(said).toEqual({ state: 'metadata', name: 'data.bin', infoHash: meta.infoHash.toString('hex'), pieces: PIECES });
});

test('libtorrent opens a magnet link naming our `swarmlab seed` (x.pe) and gets the info dictionary from it', async () => {
  const { seedDir, torrentFile, meta } = await twoPieceTorrent();
  const seedPort = await freePort();
  seed = await startSwarmlab({ role: 'seed', torrent: torrentFile, dir: seedDir, port: seedPort });
  await seed.untilLine(/^seeding /, 30_000);

  client = await startLtMagnet(`magnet:?xt=urn:btih:${meta.infoHash.toString('hex')}&x.pe=127.0.0.1:${seedPort}`, await freePort());
  const said = JSON.parse(await client.untilLine(/"metadata"/, 30_000));
  expect(said).toEqual({ state: 'metadata', name: 'data.bin', infoHash: meta.infoHash.toString('hex'), pieces: PIECES });
});

/** libtorrent opening `link` through ltmagnet.py, listening on `port`. */
function startLtMagnet(link: string, port: number): Promise<RunningClient> {
  const script = path.join(import.meta.dirname, 'ltmagnet.py');
  const args = [script, link, '--dir', root, '--port', String(port), '--parent', String(process.pid)];
  const missing = (detail: string) => missingToolError('python3-libtorrent', '/usr/bin/python3', detail);
  return startClientProcess({ client: 'libtorrent', command: '/usr/bin/python3', args, missing }, { role: 'download', torrent: link, dir: root, port });
}

/** The next extended message with this id, skipping the rest (bitfield, unchoke, other extensions). */
async function nextExtended(from: RawBtPeer, id: number) {
  for (;;) {
    const message = await from.nextOfKind('extended', 10_000);
    if (message.id === id) return message;
  }
}
