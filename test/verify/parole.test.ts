/**
 * A real PeerNode leecher that checks every piece against a .torrent (made
 * from the known file) while scripted neighbours send it good and bad pieces:
 * the first bad piece is dropped and its sender put on parole (never again the
 * only source of a piece), the second bans it (connection closed, refused on
 * reconnect, never redialled, not waited for at the end). Without a metainfo
 * the same bad piece is written: the verification is what protects the file.
 */
import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { makeTorrent } from '../../src/metainfo/makeTorrent.js';
import { PieceVerifier } from '../../src/metainfo/PieceVerifier.js';
import type { DisconnectReason } from '../../src/net/ProtocolHandlers.js';
import { MessageType } from '../../src/wire/index.js';
import { MemoryPieceStore } from '../support/MemoryPieceStore.js';
import type { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';
import { ScriptedPeer, ScriptedServer, bitfieldOf } from '../support/ScriptedPeer.js';
import { makeTempDir, range, removeTempDir, twentyPieceFile } from '../support/fixtures.js';
import { Cleanup, TestNode, peerOn } from '../support/nodeHarness.js';
import { freePort } from '../support/sockets.js';
import { turnEventLoop } from '../support/waiting.js';

jest.setTimeout(20_000);

const { layout, N, file, piece } = twentyPieceFile(7);

/** The piece with one byte flipped: same length, wrong SHA-1. */
function corrupted(index: number): Buffer {
  const bad = Buffer.from(piece(index));
  bad[bad.length >> 1] ^= 0xff;
  return bad;
}

let verifier: PieceVerifier;

beforeAll(async () => {
  // A real .torrent of the known file, read back as any .torrent would be.
  const dir = makeTempDir('swarmlab-parole-');
  try {
    const dataFile = path.join(dir, 'known.dat');
    fs.writeFileSync(dataFile, file);
    const torrentFile = path.join(dir, 'known.torrent');
    fs.writeFileSync(torrentFile, await makeTorrent(dataFile, { pieceSize: layout.pieceSize }));
    const meta = parseMetaInfo(fs.readFileSync(torrentFile), torrentFile);
    expect(meta.pieceCount).toBe(N);
    verifier = new PieceVerifier(meta);
  } finally {
    removeTempDir(dir);
  }
});

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function track(node: TestNode): TestNode {
  cleanup.add(() => node.shutdown());
  return node;
}

/** Requests the node sent one neighbour, from its own wire trace (exact order). */
function requestsSentTo(diag: RecordingDiagnostics, peerId: number): number[] {
  return diag
    .traceWith(peerId)
    .filter((t) => t.direction === 'sent' && t.description.startsWith('request '))
    .map((t) => Number(t.description.slice('request '.length)));
}

/**
 * The node is peer 3, a leecher listed last; scripted peers 1 and 2 are listed
 * before it and listen, so the node dials both.
 */
async function leecherAndTwoScriptedPeers(withVerifier: boolean) {
  const servers: ScriptedServer[] = [];
  for (const label of ['honest peer 1', 'lying peer 2']) {
    const server = await ScriptedServer.listen({ pieceSize: layout.pieceSize, label });
    cleanup.add(() => server.close());
    servers.push(server);
  }
  const self = peerOn(3, await freePort(), false, 3);
  const peers = [peerOn(1, servers[0].port, true, 1), peerOn(2, servers[1].port, true, 2), self];
  const store = MemoryPieceStore.empty(layout);
  const node = track(await TestNode.start({ self, peers, layout, pieces: store, verifier: withVerifier ? verifier : undefined }));
  const rejected: { index: number; from: number }[] = [];
  node.node.bus.on('pieceRejected', (event) => rejected.push(event));
  const [honest, liar] = await Promise.all(servers.map((s) => s.connection()));
  return { node, store, honest, liar, servers, rejected, self };
}

describe('a leecher with a metainfo', () => {
  test('bad piece → dropped and parole; parole never makes the liar our only source; second bad piece → banned; the file is exact', async () => {
    const { node, store, honest, liar, servers, rejected, self } = await leecherAndTwoScriptedPeers(true);
    const U = N - 1; // the piece the honest peer lacks at first; the liar gets it later
    const V = N - 2; // a piece the liar never has: it is never complete, so the end does not wait for it only because it is banned

    // The honest peer has everything but U; the liar everything but U and V, for now.
    honest.sendHandshake(1);
    honest.sendBitfield(bitfieldOf(N, range(0, N).filter((i) => i !== U)));
    liar.sendHandshake(2);
    liar.sendBitfield(bitfieldOf(N, range(0, N).filter((i) => i !== U && i !== V)));
    await honest.nextIs(MessageType.Interested);
    await liar.nextIs(MessageType.Interested);

    // ---- first bad piece: dropped, parole ----------------------------------
    liar.send({ type: MessageType.Unchoke });
    const first = await liar.nextIs(MessageType.Request);
    const r1 = first.index;
    // The flipped byte, then a choke (which voids whatever the node asks next).
    liar.send({ type: MessageType.Piece, index: r1, data: corrupted(r1) }, { type: MessageType.Choke });
    const parole = await node.diag.waitFor(`piece ${r1} from 2 failed its SHA-1 check`);
    expect(parole.level).toBe('warn');
    expect(parole.message).toMatch(/2 is on parole/);
    await node.log.waitFor('is choked by 2');
    await turnEventLoop(5);

    expect(rejected).toEqual([{ index: r1, from: 2 }]);
    expect(store.written).toEqual([]); // not written
    expect(store.bitfield.count).toBe(0);
    expect(node.log.count('has downloaded the piece')).toBe(0);
    expect(honest.received(MessageType.Have)).toEqual([]); // not announced
    expect(liar.received(MessageType.Have)).toEqual([]);
    expect(node.eventsOf('disconnected')).toEqual([]); // the first bad piece does not cost the connection

    // ---- the honest peer serves all it has, the bad piece among them --------
    honest.send({ type: MessageType.Unchoke });
    const served = await honest.serveRequests(piece, N - 1);
    expect([...served].sort((a, b) => a - b)).toEqual(range(0, N).filter((i) => i !== U));
    expect(served).toContain(r1);
    await node.log.waitFor('Now the number of pieces it has is 19');
    expect(node.log.matching(`has downloaded the piece ${r1} from`)).toEqual([
      expect.stringMatching(new RegExp(`^Peer 3 has downloaded the piece ${r1} from 1\\.`)),
    ]);
    expect(store.contents().subarray(layout.offsetOf(r1), layout.offsetOf(r1) + layout.pieceLength(r1))).toEqual(piece(r1));

    // ---- parole: the liar alone has U, and is never asked for it ------------
    liar.sendHave(U);
    await node.log.waitFor("received the 'have' message from 2 for the piece " + U);
    const requestsToLiarBefore = requestsSentTo(node.diag, 2);
    liar.send({ type: MessageType.Unchoke });
    await node.log.waitFor('is unchoked by 2', 2);
    await turnEventLoop(10);
    // We lack only U; the liar is unchoked, has it, and we are interested in it; yet no request.
    expect(store.bitfield.has(U)).toBe(false);
    expect(store.bitfield.count).toBe(N - 1);
    expect(requestsSentTo(node.diag, 2)).toEqual(requestsToLiarBefore);
    expect(requestsSentTo(node.diag, 2)).not.toContain(U);
    // Still interested in it (it has U, which we lack): it is parole, not lost interest.
    const interest = liar.messages.filter((m) => m.type === MessageType.Interested || m.type === MessageType.NotInterested);
    expect(interest.at(-1)).toEqual({ type: MessageType.Interested });

    // ---- once the honest peer has U too, the liar may be asked: second bad piece → ban ----
    honest.send({ type: MessageType.Choke });
    honest.sendHave(U);
    await node.log.waitFor("received the 'have' message from 1 for the piece " + U);
    liar.send({ type: MessageType.Unchoke }); // a repeated unchoke: the node asks again
    await liar.waitFor((m) => m.type === MessageType.Request && m.index === U, `a request for piece ${U}`);
    expect(requestsSentTo(node.diag, 2)).toEqual([...requestsToLiarBefore, U]);
    liar.sendPiece(U, corrupted(U));
    await liar.waitForClose();
    const gone = await node.waitForEvent('disconnected');
    expect(gone.peerId).toBe(2);
    expect(gone.reason).toEqual<DisconnectReason>({ kind: 'protocol-violation', code: 'bad-piece-hash', message: expect.any(String) });
    expect(rejected).toEqual([
      { index: r1, from: 2 },
      { index: U, from: 2 },
    ]);
    expect(node.diag.at('warn')).toContainEqual(expect.stringMatching(new RegExp(`piece ${U} from 2 failed its SHA-1 check: a second bad piece; 2 is banned`)));
    expect(node.diag.at('warn')).toContainEqual(expect.stringContaining('connection with 2 ended: protocol violation (bad-piece-hash)'));
    expect(store.bitfield.has(U)).toBe(false);

    // A reconnect with the liar's ID is refused.
    const impostor = await ScriptedPeer.connect(self.port, { pieceSize: layout.pieceSize, label: 'liar reconnecting' });
    cleanup.add(() => impostor.destroy());
    impostor.sendHandshake(2);
    await impostor.waitForClose();
    const refusal = await node.diag.waitFor('handshake from peer 2');
    expect(refusal.message).toMatch(/banned/);
    expect(node.eventsOf('connected').filter((c) => c.peerId === 2)).toHaveLength(1);

    // ---- the honest peer finishes the file; the banned liar is not waited for ----
    honest.send({ type: MessageType.Unchoke });
    const last = await honest.nextOfType(MessageType.Request);
    expect(last.index).toBe(U);
    honest.sendPiece(U, piece(U));
    expect(await node.finished()).toEqual({ kind: 'complete' });
    expect(store.contents().equals(file)).toBe(true);
    expect(node.log.count('has downloaded the complete file')).toBe(1);
    // Every piece came from the honest peer; nothing from the liar was ever written.
    const downloads = node.log.eventsOf('downloadedPiece');
    expect(downloads).toHaveLength(N);
    expect(downloads.every((d) => d.other === 1)).toBe(true);
    // Never redialled: the liar's listener saw one connection only.
    expect(servers[1].accepted).toHaveLength(1);
    expect(node.diag.entries.map((e) => e.message)).not.toContainEqual(expect.stringContaining('dialling peer 2 again'));
    expect(node.diag.at('error')).toEqual([]);
  });
});

describe('a leecher without a metainfo', () => {
  test('a corrupted piece is written and announced as if good: only the verification protects the file', async () => {
    const { node, store, liar, rejected } = await leecherAndTwoScriptedPeers(false);
    liar.sendHandshake(2);
    liar.sendBitfield(bitfieldOf(N, range(0, N)));
    await liar.nextIs(MessageType.Interested);
    liar.send({ type: MessageType.Unchoke });
    const request = await liar.nextIs(MessageType.Request);
    liar.sendPiece(request.index, corrupted(request.index));

    await node.log.waitFor(`has downloaded the piece ${request.index} from 2`);
    expect(rejected).toEqual([]);
    expect(store.written).toEqual([request.index]);
    const offset = layout.offsetOf(request.index);
    const stored = store.contents().subarray(offset, offset + layout.pieceLength(request.index));
    expect(stored).toEqual(corrupted(request.index));
    expect(stored).not.toEqual(piece(request.index));
    expect(await liar.nextOfType(MessageType.Have)).toEqual({ type: MessageType.Have, index: request.index });
    expect(node.diag.entries.map((e) => e.message)).not.toContainEqual(expect.stringContaining('parole'));
    expect(node.eventsOf('disconnected')).toEqual([]);
  });
});

describe('parole: a second source appearing later', () => {
  /**
   * Known gap (fails today): the liar on parole is unchoked, idle, and has U,
   * the one piece we lack. While it was our only source it was rightly not
   * asked. Then the honest peer (which has choked us) announces U: the liar is
   * no longer our only source, so by protocol.md's request rule ("when
   * unchoked, request a random piece that the neighbour has, we lack, and we
   * have not requested from anyone") it should be asked now. A 'have' from one
   * neighbour only re-runs that neighbour's requestNext, so nothing asks the
   * liar until some unrelated event (its own have or unchoke, a choke from
   * another) comes along: the download stalls meanwhile.
   */
  test('once another neighbour announces the piece, an idle unchoked neighbour on parole that has it is asked for it', async () => {
    const { node, store, honest, liar } = await leecherAndTwoScriptedPeers(true);
    const U = N - 1;
    honest.sendHandshake(1);
    honest.sendBitfield(bitfieldOf(N, range(0, U)));
    liar.sendHandshake(2);
    liar.sendBitfield(bitfieldOf(N, range(0, U)));
    await honest.nextIs(MessageType.Interested);
    await liar.nextIs(MessageType.Interested);

    // Parole: one bad piece from the liar (then it chokes us, voiding the next request).
    liar.send({ type: MessageType.Unchoke });
    const first = await liar.nextIs(MessageType.Request);
    liar.send({ type: MessageType.Piece, index: first.index, data: corrupted(first.index) }, { type: MessageType.Choke });
    await node.diag.waitFor('is on parole');
    await node.log.waitFor('is choked by 2');

    // The honest peer serves everything it has, then chokes us.
    honest.send({ type: MessageType.Unchoke });
    await honest.serveRequests(piece, N - 1);
    await node.log.waitFor(`Now the number of pieces it has is ${N - 1}`);
    honest.send({ type: MessageType.Choke });
    await node.log.waitFor('is choked by 1');

    // The liar gets U and unchokes us: it is our only source of U, so it is not asked.
    liar.sendHave(U);
    liar.send({ type: MessageType.Unchoke });
    await node.log.waitFor('is unchoked by 2', 2);
    await turnEventLoop(10);
    expect(requestsSentTo(node.diag, 2)).not.toContain(U);

    // Now the honest peer has U too (it still chokes us): the liar may, and should, be asked.
    honest.sendHave(U);
    await node.log.waitFor(`received the 'have' message from 1 for the piece ${U}`);
    await turnEventLoop(10);
    expect(store.bitfield.has(U)).toBe(false);
    expect(requestsSentTo(node.diag, 2)).toContain(U);
  });
});
