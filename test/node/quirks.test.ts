/**
 * A real PeerNode against ScriptedPeers that behave like the other
 * implementations of protocol.md's "Known quirks" section. Each test checks
 * that the node does the right thing and stays up.
 */
import { jest } from '@jest/globals';
import { Bitfield } from '../../src/core/Bitfield.js';
import { MessageType } from '../../src/wire/index.js';
import type { PeerInfo } from '../../src/config/PeerInfo.js';
import { MemoryPieceStore, allPieces } from '../support/MemoryPieceStore.js';
import type { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';
import { ScriptedPeer, ScriptedServer, bitfieldOf } from '../support/ScriptedPeer.js';
import { range, twentyPieceFile } from '../support/fixtures.js';
import { Cleanup, TestNode, peerOn } from '../support/nodeHarness.js';
import { freePort } from '../support/sockets.js';
import { turnEventLoop } from '../support/waiting.js';

jest.setTimeout(20_000);

const { layout, N, file, piece } = twentyPieceFile(99);
const ascending = (xs: number[]) => [...xs].sort((a, b) => a - b);

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function track(node: TestNode): TestNode {
  cleanup.add(() => node.shutdown());
  return node;
}

/**
 * The node is peer 1, a seeder listed first; the scripted peer is peer 2, a
 * leecher listed after it, so it dials the node. Nothing is sent by the
 * scripted peer yet, not even its handshake.
 */
async function seederNodeAndScriptedLeecher(): Promise<{ node: TestNode; store: MemoryPieceStore; peer: ScriptedPeer }> {
  const peers = [peerOn(1, await freePort(), true, 1), peerOn(2, await freePort(), false, 2)];
  const store = MemoryPieceStore.seeder(layout, file);
  const node = track(await TestNode.start({ self: peers[0], peers, layout, pieces: store }));
  const peer = await ScriptedPeer.connect(peers[0].port, { pieceSize: layout.pieceSize, label: 'scripted leecher 2' });
  cleanup.add(() => peer.destroy());
  return { node, store, peer };
}

/**
 * The node is the last peer listed, a leecher with nothing; every scripted peer
 * is listed before it and listens, so the node dials each of them. Scripted
 * peer i gets peer ID i + 1.
 */
async function leecherNodeAndScriptedPeers(
  count: number,
): Promise<{ node: TestNode; store: MemoryPieceStore; peers: ScriptedPeer[]; servers: ScriptedServer[] }> {
  const servers: ScriptedServer[] = [];
  const infos: PeerInfo[] = [];
  for (let i = 0; i < count; i++) {
    const server = await ScriptedServer.listen({ pieceSize: layout.pieceSize, label: `scripted peer ${i + 1}` });
    cleanup.add(() => server.close());
    servers.push(server);
    infos.push(peerOn(i + 1, server.port, true, i + 1));
  }
  const self = peerOn(count + 1, await freePort(), false, count + 1);
  const peers = [...infos, self];
  const store = MemoryPieceStore.empty(layout);
  const node = track(await TestNode.start({ self, peers, layout, pieces: store }));
  const scripted = await Promise.all(servers.map((s) => s.connection()));
  return { node, store, peers: scripted, servers };
}

/** The requests the node sent to one neighbour, from its own wire trace (exact order, no network race). */
function requestsSentTo(diag: RecordingDiagnostics, peerId: number): number[] {
  return diag
    .traceWith(peerId)
    .filter((t) => t.direction === 'sent' && t.description.startsWith('request '))
    .map((t) => Number(t.description.slice('request '.length)));
}

/**
 * Protocol, "Requests": the next request only after the piece for the last
 * one arrived (or a choke voided it). Checked on the node's own trace.
 */
function expectOneRequestAtATime(diag: RecordingDiagnostics, peerId: number): void {
  let outstanding: string | undefined;
  for (const { direction, description } of diag.traceWith(peerId)) {
    if (direction === 'sent' && description.startsWith('request ')) {
      if (outstanding !== undefined) throw new Error(`sent "${description}" to ${peerId} while "${outstanding}" was outstanding`);
      outstanding = description;
    } else if (direction === 'received' && (description.startsWith('piece ') || description === 'choke')) {
      outstanding = undefined;
    }
  }
}

/** Scripted leecher side: handshake, then 'interested', until the node unchokes it. */
async function becomeUnchoked(peer: ScriptedPeer, peerId: number, opening: Buffer[] = []): Promise<void> {
  peer.sendHandshake(peerId);
  for (const bytes of opening) peer.sendRaw(bytes);
  peer.send({ type: MessageType.Interested });
  await peer.nextOfType(MessageType.Unchoke);
}

describe('bitfields', () => {
  test('a leecher that never sends a bitfield is taken to have nothing, and is served once interested', async () => {
    const { node, peer } = await seederNodeAndScriptedLeecher();
    peer.sendHandshake(2); // and no bitfield, ever

    expect(await peer.handshake()).toBe(1);
    const bitfield = await peer.nextIs(MessageType.Bitfield);
    expect(bitfield.bits).toEqual(Bitfield.full(N).toBuffer());

    peer.send({ type: MessageType.Interested });
    await peer.nextIs(MessageType.Unchoke);
    peer.sendRequest(4);
    const answer = await peer.nextIs(MessageType.Piece);
    expect(answer.index).toBe(4);
    expect(answer.data).toEqual(piece(4));

    expect(node.log.sentences).toEqual([
      'Peer 1 is connected from Peer 2.',
      "Peer 1 received the 'interested' message from 2.",
      'Peer 1 has the preferred neighbors 2.',
    ]);
    // It has nothing we lack, and we never heard otherwise: no interest message either way.
    expect(peer.received(MessageType.Interested)).toEqual([]);
    expect(peer.received(MessageType.NotInterested)).toEqual([]);
    // Still up: nobody disconnected, and it is not taken for complete.
    expect(node.eventsOf('disconnected')).toEqual([]);
    expect(node.settled).toBeUndefined();
    expect(peer.closed || peer.ended).toBe(false);
  });

  test.each([
    ['all-zero', Buffer.from([0, 0, 0, 4, MessageType.Bitfield, 0, 0, 0])],
    ['zero-length', Buffer.from([0, 0, 0, 1, MessageType.Bitfield])],
  ])('an empty (%s) bitfield is accepted; the seeder answers not interested and still serves', async (_name, emptyBitfield) => {
    const { node, peer } = await seederNodeAndScriptedLeecher();
    await becomeUnchoked(peer, 2, [emptyBitfield]);

    // The node's reply to a bitfield with nothing in it: not interested (sent once, before the unchoke).
    expect(peer.messages.map((m) => m.type)).toEqual([MessageType.Bitfield, MessageType.NotInterested, MessageType.Unchoke]);
    expect(node.diag.at('info')).toContain(`bitfield from 2: 0/${N} pieces (none)`);

    peer.sendRequest(N - 1);
    const answer = await peer.nextIs(MessageType.Piece);
    expect(answer).toEqual({ type: MessageType.Piece, index: N - 1, data: piece(N - 1) });
    expect(node.eventsOf('disconnected')).toEqual([]);
    expect(node.settled).toBeUndefined();
  });

  test('a leecher node with nothing skips its own bitfield and accepts an empty one', async () => {
    // The node (peer 2) has nothing and dials scripted peer 1, which has nothing either.
    const server = await ScriptedServer.listen({ pieceSize: layout.pieceSize, label: 'scripted empty peer 1' });
    cleanup.add(() => server.close());
    const peers = [peerOn(1, server.port, false, 1), peerOn(2, await freePort(), false, 2)];
    const node = track(await TestNode.start({ self: peers[1], peers, layout, pieces: MemoryPieceStore.empty(layout) }));
    const peer = await server.connection();
    peer.sendHandshake(1);
    peer.sendBitfield(new Bitfield(N));

    expect(await peer.handshake()).toBe(2);
    expect(await peer.next()).toEqual({ type: MessageType.NotInterested });
    peer.send({ type: MessageType.Interested }); // a later sign of life, to be sure nothing else was queued before it
    await node.log.waitFor("received the 'interested' message from 1");
    await turnEventLoop(5);
    expect(peer.received(MessageType.Bitfield)).toEqual([]);
    expect(node.log.matching('connection')).toEqual(['Peer 2 makes a connection to Peer 1.']);
    expect(node.eventsOf('disconnected')).toEqual([]);
  });
});

describe('repeated messages', () => {
  test("a seeder that repeats 'interested' and sends 'unchoke' twice: handled idempotently, one request at a time", async () => {
    const { node, store, peers } = await leecherNodeAndScriptedPeers(1);
    const [seeder] = peers;
    seeder.sendHandshake(1);
    seeder.sendBitfield(Bitfield.full(N));
    expect(await seeder.handshake()).toBe(2);
    expect(await seeder.nextIs(MessageType.Interested)).toEqual({ type: MessageType.Interested });

    // Quirks: 'interested' three times (the node has nothing to give, but may unchoke it), 'unchoke' twice.
    seeder.send({ type: MessageType.Interested }, { type: MessageType.Interested }, { type: MessageType.Interested });
    seeder.send({ type: MessageType.Unchoke });
    seeder.send({ type: MessageType.Unchoke });

    const asked: number[] = [];
    let unchokesSent = 2;
    while (asked.length < N) {
      const request = await seeder.nextOfType(MessageType.Request);
      asked.push(request.index);
      // Before answering, repeat 'unchoke' and 'interested' again, and wait until the node has
      // processed them: it must not have sent another request meanwhile.
      seeder.send({ type: MessageType.Unchoke }, { type: MessageType.Interested });
      unchokesSent++;
      await node.log.waitFor('is unchoked by 1', unchokesSent);
      expect(requestsSentTo(node.diag, 1)).toEqual(asked);
      seeder.sendPiece(request.index, piece(request.index));
    }

    expect(await node.finished()).toEqual({ kind: 'complete' });
    expect(store.contents().equals(file)).toBe(true);
    expect(ascending(asked)).toEqual(allPieces(N)); // every piece asked for exactly once
    expectOneRequestAtATime(node.diag, 1);
    // The node unchoked the seeder once, however often it said 'interested'.
    expect(seeder.received(MessageType.Unchoke)).toHaveLength(1);
    expect(node.log.count("received the 'interested' message from 1")).toBe(3 + N);
    expect(node.log.count('is unchoked by 1')).toBe(unchokesSent);
    expect(node.log.count('has downloaded the complete file')).toBe(1);
    expect(node.diag.at('error')).toEqual([]);
  });
});

describe('interest changes', () => {
  test("'not interested' frees the neighbour's slot (choke); 'interested' again wins it back (unchoke), once each", async () => {
    const { node, peer } = await seederNodeAndScriptedLeecher();
    await becomeUnchoked(peer, 2);

    peer.send({ type: MessageType.NotInterested }, { type: MessageType.NotInterested });
    await peer.nextIs(MessageType.Choke);
    peer.sendRequest(1); // choked now: dropped
    peer.send({ type: MessageType.Interested }, { type: MessageType.Interested });
    await peer.nextIs(MessageType.Unchoke);
    peer.sendRequest(6);
    expect(await peer.nextIs(MessageType.Piece)).toEqual({ type: MessageType.Piece, index: 6, data: piece(6) });

    expect(peer.messages.map((m) => m.type)).toEqual([
      MessageType.Bitfield,
      MessageType.Unchoke,
      MessageType.Choke,
      MessageType.Unchoke,
      MessageType.Piece,
    ]);
    expect(node.log.count("received the 'not interested' message from 2")).toBe(2);
    expect(node.log.count("received the 'interested' message from 2")).toBe(3);
    expect(node.diag.at('debug')).toContain('dropped request 1 from 2: it is choked');
  });
});

describe('requests and choking', () => {
  test('a request from a neighbour the node has not unchoked is dropped; after interested + unchoke one is answered', async () => {
    const { node, peer } = await seederNodeAndScriptedLeecher();
    peer.sendHandshake(2);
    await peer.nextIs(MessageType.Bitfield);

    peer.sendRequest(3); // while choked: must be dropped
    peer.send({ type: MessageType.Interested });
    await peer.nextIs(MessageType.Unchoke); // the next message is the unchoke, not piece 3
    await node.diag.waitFor('dropped request 3 from 2: it is choked');

    peer.sendRequest(5);
    const answer = await peer.nextOfType(MessageType.Piece);
    expect(answer).toEqual({ type: MessageType.Piece, index: 5, data: piece(5) });
    // Requests are answered in order, so had 3 been kept it would have come first.
    expect(peer.received(MessageType.Piece).map((m) => m.index)).toEqual([5]);
    expect(node.eventsOf('pieceUploaded')).toEqual([{ index: 5, to: 2, bytes: piece(5).length }]);
    expect(node.eventsOf('disconnected')).toEqual([]);
  });

  test('a request for a piece out of range is dropped without closing the connection', async () => {
    // protocol.md, "Serving": drop requests ... with indices out of range, without crashing.
    const { node, peer } = await seederNodeAndScriptedLeecher();
    await becomeUnchoked(peer, 2);

    peer.sendRequest(N); // one past the last piece
    peer.sendRequest(2);
    await peer.until(() => peer.received(MessageType.Piece).length > 0 || peer.closed, 'piece 2 or a close');
    if (peer.closed) await node.waitForEvent('disconnected'); // so the assertion below can show the reason

    expect(node.eventsOf('disconnected')).toEqual([]); // shows the reason if the node closed instead
    expect(peer.received(MessageType.Piece).map((m) => m.index)).toEqual([2]);
    expect(peer.closed || peer.ended).toBe(false);
  });

  test('a seeder that chokes instead of answering: the request is void, and the node asks again after the unchoke', async () => {
    const { node, store, peers } = await leecherNodeAndScriptedPeers(1);
    const [seeder] = peers;
    await seeder.openAsSeeder(1, N);

    seeder.send({ type: MessageType.Unchoke });
    const first = await seeder.nextOfType(MessageType.Request);
    seeder.send({ type: MessageType.Choke }); // and never the piece

    expect(await node.waitForEvent('requestReleased')).toEqual({ peerId: 1, index: first.index });
    // While choked, nothing more is asked of it.
    expect(requestsSentTo(node.diag, 1)).toEqual([first.index]);
    expect(node.log.sentences).toContain('Peer 2 is choked by 1.');

    seeder.send({ type: MessageType.Unchoke });
    const served = await seeder.serveRequests(piece, N);

    expect(await node.finished()).toEqual({ kind: 'complete' });
    expect(store.contents().equals(file)).toBe(true);
    // The released piece was asked for again (it may be in any position) and everything once after the unchoke.
    expect(ascending(served)).toEqual(allPieces(N));
    expect(requestsSentTo(node.diag, 1)).toEqual([first.index, ...served]);
    expectOneRequestAtATime(node.diag, 1);
  });
});

describe('termination', () => {
  test('a leecher that closes right after its last have: the seeder node finishes complete', async () => {
    const { node, peer } = await seederNodeAndScriptedLeecher();
    await becomeUnchoked(peer, 2);

    for (let index = 0; index < N; index++) {
      peer.sendRequest(index);
      const answer = await peer.nextOfType(MessageType.Piece);
      expect(answer.index).toBe(index);
      expect(answer.data).toEqual(piece(index));
      peer.sendHave(index);
      if (index === N - 1) peer.end(); // closes the moment it is done: the last have and the FIN together
    }

    expect(await node.finished()).toEqual({ kind: 'complete' });
    await peer.waitForClose();
    expect(node.log.count("received the 'have' message from 2")).toBe(N);
    expect(node.eventsOf('allComplete')).toHaveLength(1);
    const [disconnect] = node.eventsOf('disconnected');
    expect(['remote-closed', 'shutdown']).toContain(disconnect.reason.kind);
    // Someone closing at the end is normal, not an error.
    expect(node.diag.at('warn')).toEqual([]);
    expect(node.diag.at('error')).toEqual([]);
    expect(node.log.count('has downloaded the complete file')).toBe(0);
  });

  test('a seeder that closes right after sending the last piece: the leecher node still finishes complete', async () => {
    const { node, store, peers } = await leecherNodeAndScriptedPeers(1);
    const [seeder] = peers;
    await seeder.openAsSeeder(1, N);
    seeder.send({ type: MessageType.Unchoke });
    for (let i = 0; i < N; i++) {
      const request = await seeder.nextOfType(MessageType.Request);
      seeder.sendPiece(request.index, piece(request.index));
      if (i === N - 1) seeder.end();
    }

    expect(await node.finished()).toEqual({ kind: 'complete' });
    expect(store.contents().equals(file)).toBe(true);
    expect(node.log.count('has downloaded the complete file')).toBe(1);
    expect(node.diag.at('error')).toEqual([]);
  });
});

describe('interest and haves', () => {
  test("'have' goes to every neighbour after each piece; 'not interested' once a neighbour has nothing more for us", async () => {
    // Scripted peer 1 has pieces 0-9, scripted peer 2 has 10-19; the node (3) has nothing.
    const { node, store, peers } = await leecherNodeAndScriptedPeers(2);
    const [low, high] = peers;
    const lowPieces = range(0, N / 2);
    const highPieces = range(N / 2, N);
    low.sendHandshake(1);
    low.sendBitfield(bitfieldOf(N, lowPieces));
    high.sendHandshake(2);
    high.sendBitfield(bitfieldOf(N, highPieces));
    await low.nextIs(MessageType.Interested);
    await high.nextIs(MessageType.Interested);

    // Only peer 1 unchokes: the node downloads its ten pieces.
    low.send({ type: MessageType.Unchoke });
    const fromLow = await low.serveRequests(piece, lowPieces.length);
    expect(ascending(fromLow)).toEqual(lowPieces);

    await low.nextOfType(MessageType.NotInterested);
    // Every piece was announced to both neighbours, the one it came from included.
    await high.until(() => high.received(MessageType.Have).length >= lowPieces.length, 'ten haves');
    expect(ascending(low.received(MessageType.Have).map((m) => m.index))).toEqual(lowPieces);
    expect(ascending(high.received(MessageType.Have).map((m) => m.index))).toEqual(lowPieces);
    // To peer 1: after the have for the last of its pieces, 'not interested', and nothing asked of it since.
    const lastTypes = low.messages.slice(-2).map((m) => m.type);
    expect(lastTypes).toEqual([MessageType.Have, MessageType.NotInterested]);
    expect(low.received(MessageType.NotInterested)).toHaveLength(1);
    // Still interested in peer 2, which has what the node lacks.
    expect(high.received(MessageType.NotInterested)).toEqual([]);
    expect(node.log.count('has downloaded the piece')).toBe(lowPieces.length);

    // Now peer 2 unchokes and serves the rest.
    high.send({ type: MessageType.Unchoke });
    const fromHigh = await high.serveRequests(piece, highPieces.length);
    expect(ascending(fromHigh)).toEqual(highPieces);
    await high.nextOfType(MessageType.NotInterested);
    await low.until(() => low.received(MessageType.Have).length >= N, 'twenty haves');
    expect(ascending(low.received(MessageType.Have).map((m) => m.index))).toEqual(allPieces(N));
    expect(ascending(high.received(MessageType.Have).map((m) => m.index))).toEqual(allPieces(N));
    expect(low.received(MessageType.NotInterested)).toHaveLength(1);
    expect(high.received(MessageType.NotInterested)).toHaveLength(1);
    expect(store.contents().equals(file)).toBe(true);
    expect(node.log.count('has downloaded the complete file')).toBe(1);

    // The node stays until it knows both neighbours are complete too.
    expect(node.settled).toBeUndefined();
    for (const index of highPieces) low.sendHave(index);
    await turnEventLoop(5);
    expect(node.settled).toBeUndefined();
    for (const index of lowPieces) high.sendHave(index);
    expect(await node.finished()).toEqual({ kind: 'complete' });
  });
});

describe('late and announced pieces', () => {
  test('a piece that arrives just after the choke that voided its request is kept, and not asked for again', async () => {
    const { node, store, peers } = await leecherNodeAndScriptedPeers(1);
    const [seeder] = peers;
    await seeder.openAsSeeder(1, N);
    seeder.send({ type: MessageType.Unchoke });
    const first = await seeder.nextOfType(MessageType.Request);
    // It was already in flight: choke, then the piece anyway.
    seeder.send({ type: MessageType.Choke }, { type: MessageType.Piece, index: first.index, data: piece(first.index) });

    await node.log.waitFor(`has downloaded the piece ${first.index} from 1`);
    expect(node.eventsOf('disconnected')).toEqual([]);
    seeder.send({ type: MessageType.Unchoke });
    const served = await seeder.serveRequests(piece, N - 1);

    expect(await node.finished()).toEqual({ kind: 'complete' });
    expect(served).not.toContain(first.index);
    expect(ascending([first.index, ...served])).toEqual(allPieces(N));
    expect(store.contents().equals(file)).toBe(true);
  });

  test("a neighbour with no bitfield that later sends 'have': the node becomes interested, downloads it, then says not interested", async () => {
    // Scripted peer 1 accepts the node's connection and sends no bitfield (the accepting side skips it).
    const { node, store, peers } = await leecherNodeAndScriptedPeers(1);
    const [peer] = peers;
    peer.sendHandshake(1);
    expect(await peer.handshake()).toBe(2);

    peer.sendHave(7);
    expect(await peer.next()).toEqual({ type: MessageType.Interested }); // the first message: no bitfield from an empty node
    peer.send({ type: MessageType.Unchoke });
    expect(await peer.next()).toEqual({ type: MessageType.Request, index: 7 }); // the only piece it has
    peer.sendPiece(7, piece(7));
    expect(await peer.next()).toEqual({ type: MessageType.Have, index: 7 });
    expect(await peer.next()).toEqual({ type: MessageType.NotInterested });

    expect(node.log.sentences).toEqual([
      'Peer 2 makes a connection to Peer 1.',
      "Peer 2 received the 'have' message from 1 for the piece 7.",
      'Peer 2 is unchoked by 1.',
      'Peer 2 has downloaded the piece 7 from 1. Now the number of pieces it has is 1.',
    ]);
    expect(store.has(7)).toBe(true);
    expect(store.bitfield.count).toBe(1);
    expect(node.settled).toBeUndefined();
  });
});

describe('misbehaviour', () => {
  test('a dialled peer that answers with another ID is dropped; the node stays up', async () => {
    const server = await ScriptedServer.listen({ pieceSize: layout.pieceSize, label: 'impostor at peer 1' });
    cleanup.add(() => server.close());
    const peers = [peerOn(1, server.port, true, 1), peerOn(2, await freePort(), false, 2)];
    const node = track(await TestNode.start({ self: peers[1], peers, layout, pieces: MemoryPieceStore.empty(layout) }));
    const impostor = await server.connection();
    impostor.sendHandshake(7);
    impostor.sendBitfield(Bitfield.full(N));

    await impostor.waitForClose();
    await node.diag.waitFor('connection closed before its handshake');
    expect(node.diag.at('warn').join('\n')).toContain('handshake from peer 7: we dialled peer 1');
    expect(node.log.sentences).toEqual([]); // no "makes a connection" for a refused handshake
    expect(node.eventsOf('connected')).toEqual([]);
    expect(node.settled).toBeUndefined();
  });

  test('a neighbour that connects and never sends its handshake is dropped after the timeout (ManualClock)', async () => {
    const { node, peer } = await seederNodeAndScriptedLeecher(); // handshake timeout: the default 10 s
    expect(await peer.handshake()).toBe(1); // the node wrote its own at once
    node.clock.advance(9_999);
    await turnEventLoop(5);
    expect(peer.ended || peer.closed).toBe(false);

    node.clock.advance(1);
    await peer.waitForClose();
    await node.diag.waitFor('connection closed before its handshake');
    expect(node.diag.at('warn').join('\n')).toContain('no handshake within 10000 ms');
    expect(node.settled).toBeUndefined();

    // The node still accepts the peer when it comes back properly.
    const again = await ScriptedPeer.connect(node.options.self.port, { pieceSize: layout.pieceSize, label: 'peer 2 again' });
    cleanup.add(() => again.destroy());
    await becomeUnchoked(again, 2);
    expect(node.log.count('is connected from Peer 2')).toBe(1);
  });

  test('a second connection from an already connected peer is refused; the first one carries on', async () => {
    const { node, peer } = await seederNodeAndScriptedLeecher();
    await becomeUnchoked(peer, 2);
    const twin = await ScriptedPeer.connect(node.options.self.port, { pieceSize: layout.pieceSize, label: 'second peer 2' });
    cleanup.add(() => twin.destroy());
    twin.sendHandshake(2);

    await twin.waitForClose();
    expect(twin.messages).toEqual([]); // refused right after the handshake: no bitfield
    const warning = await node.diag.waitFor('connection closed before its handshake');
    expect(warning).toEqual({ level: 'warn', message: expect.stringContaining('handshake from peer 2: already connected') });
    peer.sendRequest(0);
    expect(await peer.nextOfType(MessageType.Piece)).toEqual({ type: MessageType.Piece, index: 0, data: piece(0) });
    expect(node.eventsOf('connected')).toHaveLength(1);
    expect(node.eventsOf('disconnected')).toEqual([]);
  });


  test('an unrequested piece closes only that connection; the node finishes with the other neighbour', async () => {
    const { node, store, peers } = await leecherNodeAndScriptedPeers(2);
    const [liar, honest] = peers;
    for (const [peer, id] of [[liar, 1], [honest, 2]] as const) {
      await peer.openAsSeeder(id, N);
    }

    liar.send({ type: MessageType.Unchoke });
    const asked = await liar.nextOfType(MessageType.Request);
    const other = (asked.index + 1) % N;
    liar.sendPiece(other, piece(other)); // not the one asked for

    const disconnect = await node.waitForEvent('disconnected');
    expect(disconnect.peerId).toBe(1);
    expect(disconnect.reason).toMatchObject({ kind: 'protocol-violation', code: 'unrequested-piece' });
    await liar.waitForClose();
    expect(node.diag.at('warn').some((w) => w.includes('connection with 1 ended') && w.includes('unrequested-piece'))).toBe(true);
    // The request it left unanswered is released for others.
    expect(node.eventsOf('requestReleased')).toEqual([{ peerId: 1, index: asked.index }]);

    // The other connection is untouched and the node carries on with it.
    expect(honest.closed || honest.ended).toBe(false);
    expect(node.settled).toBeUndefined();
    honest.send({ type: MessageType.Unchoke });
    const served = await honest.serveRequests(piece, N);

    expect(await node.finished()).toEqual({ kind: 'complete' });
    expect(ascending(served)).toEqual(allPieces(N));
    expect(store.contents().equals(file)).toBe(true);
    expect(node.eventsOf('pieceDownloaded').every((e) => e.from === 2)).toBe(true);
    expect(node.eventsOf('disconnected').map((e) => e.peerId)).toEqual([1, 2]);
  });

  test('a connection to an earlier peer that drops mid-swarm is dialled again, and the download finishes', async () => {
    const { node, store, peers, servers } = await leecherNodeAndScriptedPeers(1);
    const [first] = peers;
    await first.openAsSeeder(1, N);
    first.destroy(); // a crash: no goodbye
    await node.waitForEvent('disconnected');
    node.clock.advance(100); // the first redial waits 100 ms

    const again = await servers[0].connection(2);
    cleanup.add(() => again.destroy());
    await again.openAsSeeder(1, N);
    again.send({ type: MessageType.Unchoke });
    await again.serveRequests(piece, N);

    expect(await node.finished()).toEqual({ kind: 'complete' });
    expect(store.contents().equals(file)).toBe(true);
    expect(node.log.eventsOf('makesConnection')).toHaveLength(2);
    expect(node.diag.at('warn').some((w) => w.includes('dialling peer 1 again'))).toBe(true);
  });
});
