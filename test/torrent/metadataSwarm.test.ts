/**
 * MetadataSwarm (a magnet link's first step, BEP 9) over TCP on 127.0.0.1
 * against scripted peers: a liar whose metadata does not hash to the
 * info-hash is dropped and nothing it sent is kept; an honest peer found
 * next gives the info dictionary, checked, with the peers met on the way.
 */
import bencode from 'bencode';
import { createHash } from 'crypto';
import * as net from 'net';
import type { Duplex } from 'stream';
import { systemClock } from '../../src/common/Clock.js';
import type { DiscoveredPeer, PeerSink, PeerSource } from '../../src/swarm/PeerSource.js';
import { MetadataSwarm } from '../../src/torrent/MetadataSwarm.js';
import { BtFrameReader } from '../../src/wire/bt/FrameReader.js';
import { encodeBtHandshake } from '../../src/wire/bt/Handshake.js';
import { encodeExtensionHandshake, EXTENSION_HANDSHAKE_ID, parseExtensionHandshake } from '../../src/wire/bt/ExtensionHandshake.js';
import { encodeBtMessage } from '../../src/wire/bt/MessageCodec.js';
import { decodeUtMetadata, encodeUtMetadata, METADATA_PIECE_BYTES, UT_METADATA } from '../../src/wire/bt/UtMetadata.js';
import { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';
import { LOOPBACK } from '../support/sockets.js';
import { eventually } from '../support/polling.js';
import { withTimeout } from '../support/waiting.js';

/** A two-piece info dictionary (BEP 9 pieces are 16 KiB). */
const INFO = bencode.encode({ length: 1000, name: 'liar.bin', 'piece length': 16384, pieces: Buffer.alloc(20, 1), 'x-pad': Buffer.alloc(20_000, 0x62) });
const INFO_HASH = createHash('sha1').update(INFO).digest();
const THEIR_ID = 7;

/** A peer that listens on 127.0.0.1, answers our handshake, offers ut_metadata, and answers each request with `piece(index)`. */
async function scriptedPeer(piece: (index: number) => Buffer): Promise<{ port: number; closedByUs: Promise<void>; close(): void }> {
  let markClosed!: () => void;
  const closedByUs = new Promise<void>((resolve) => (markClosed = resolve));
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    let ourMetadataId = 0;
    const reader = new BtFrameReader('unknown');
    let shookHands = false;
    socket.on('data', (chunk) => {
      reader.push(chunk);
      if (!shookHands) {
        if (!reader.readHandshakeHead() || !reader.readPeerId()) return;
        shookHands = true;
        socket.write(encodeBtHandshake({ capabilities: { extended: true, fast: false, dht: false }, infoHash: INFO_HASH, peerId: Buffer.alloc(20, 0x33) }));
        const handshake = encodeExtensionHandshake({ extensions: new Map([[UT_METADATA, THEIR_ID]]), metadataSize: INFO.length });
        socket.write(encodeBtMessage({ kind: 'extended', id: EXTENSION_HANDSHAKE_ID, payload: handshake }));
      }
      for (let message = reader.readMessage(); message; message = reader.readMessage()) {
        if (message.kind !== 'extended') continue;
        // Its extension handshake says under which id it reads ut_metadata; it asks under ours.
        if (message.id === EXTENSION_HANDSHAKE_ID) ourMetadataId = parseExtensionHandshake(message.payload).extensions.get(UT_METADATA) ?? 0;
        const request = message.id === THEIR_ID ? decodeUtMetadata(message.payload) : undefined;
        if (request?.type !== 'request') continue;
        const data = piece(request.piece);
        socket.write(encodeBtMessage({ kind: 'extended', id: ourMetadataId, payload: encodeUtMetadata({ type: 'data', piece: request.piece, totalSize: INFO.length, data }) }));
      }
    });
    socket.on('close', () => markClosed());
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    closedByUs,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

/** A source the test feeds by hand. */
class HandSource implements PeerSource {
  readonly kind = 'static';
  private sink: PeerSink = () => {};
  start(found: PeerSink): void {
    this.sink = found;
  }
  give(peers: DiscoveredPeer[]): void {
    this.sink(peers);
  }
  completed(): void {}
  async stop(): Promise<void> {}
}

function dial(host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

test('a liar is dropped and its bytes forgotten; the honest peer found next gives the checked info dictionary', async () => {
  const liar = await scriptedPeer((index) => Buffer.alloc(Math.min(METADATA_PIECE_BYTES, INFO.length - index * METADATA_PIECE_BYTES), 0x6c));
  const honest = await scriptedPeer((index) => INFO.subarray(index * METADATA_PIECE_BYTES, (index + 1) * METADATA_PIECE_BYTES));
  const source = new HandSource();
  const diagnostics = new RecordingDiagnostics();
  const swarm = new MetadataSwarm({ infoHash: INFO_HASH, localPeerId: Buffer.alloc(20, 0x11), listenPort: 6881, clientVersion: 'swarmlab test', label: 'the test link', dial, sources: [source], clock: systemClock, diagnostics });
  try {
    swarm.start();
    source.give([{ host: LOOPBACK, port: liar.port, source: 'static' }]);
    await withTimeout(liar.closedByUs, () => `the liar to be dropped: ${JSON.stringify(diagnostics.entries)}`);
    await eventually(() => diagnostics.entries.some((e) => /ended: .*sent metadata that does not hash to the info-hash/.test(e.message)), () => `why: ${JSON.stringify(diagnostics.entries)}`);
    source.give([{ host: LOOPBACK, port: honest.port, source: 'static' }]);
    const outcome = await withTimeout(swarm.outcome, () => `the metadata: ${JSON.stringify(diagnostics.entries)}`);
    expect(outcome.kind).toBe('complete');
    if (outcome.kind !== 'complete') return;
    expect(outcome.infoDictionary.equals(INFO)).toBe(true);
    expect(outcome.name).toBe('liar.bin');
    expect(outcome.peers.map((peer) => peer.port).sort()).toEqual([liar.port, honest.port].sort());
  } finally {
    await swarm.stop();
    liar.close();
    honest.close();
  }
});
