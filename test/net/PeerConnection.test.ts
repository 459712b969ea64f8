import { jest } from '@jest/globals';
import type * as net from 'net';
import { PeerConnection } from '../../src/net/PeerConnection.js';
import type { DisconnectReason } from '../../src/net/ProtocolHandlers.js';
import { Bitfield } from '../../src/core/Bitfield.js';
import { wholePiece } from '../../src/core/BlockRef.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { HANDSHAKE_HEADER, MessageType, encodeHandshake, encodeMessage, maxMessageLength } from '../../src/wire/index.js';
import { ManualClock } from '../support/ManualClock.js';
import { RecordingHandlers } from '../support/RecordingHandlers.js';
import { ScriptedPeer, bitfieldOf } from '../support/ScriptedPeer.js';
import { knownBytes, pieceOf } from '../support/fixtures.js';
import { Cleanup } from '../support/nodeHarness.js';
import { socketClosed, socketPair } from '../support/sockets.js';
import { turnEventLoop, withTimeout } from '../support/waiting.js';

jest.setTimeout(20_000);

// 10 pieces: nine of 16 bytes and a last one of 6.
const layout = new PieceLayout(150, 16);
const file = knownBytes(layout.fileSize, 7);
/** Piece `index` of `layout` as the block the course moves: all of it. */
const whole = (index: number) => wholePiece(index, layout.pieceLength(index));
const HANDSHAKE_TIMEOUT_MS = 10_000;
const LOCAL_ID = 1001;
const REMOTE_ID = 1002;

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

interface Side {
  connection: PeerConnection;
  handlers: RecordingHandlers;
  socket: net.Socket;
}

function wrap(
  socket: net.Socket,
  localPeerId: number,
  clock: ManualClock,
  checkRemotePeerId: (peerId: number) => string | undefined = () => undefined,
): Side {
  const handlers = new RecordingHandlers();
  const connection = new PeerConnection({
    socket,
    direction: 'outbound',
    localPeerId,
    geometry: layout,
    clock,
    handlers,
    checkRemotePeerId,
    handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
  });
  cleanup.add(async () => {
    socket.destroy();
    await socketClosed(socket);
  });
  return { connection, handlers, socket };
}

/** Two PeerConnections joined by a real TCP connection on 127.0.0.1, each expecting the other's ID. */
async function connectedPair(clock = new ManualClock()): Promise<{ a: Side; b: Side; clock: ManualClock }> {
  const [dialled, accepted] = await socketPair();
  const a = wrap(dialled, LOCAL_ID, clock, (id) => (id === REMOTE_ID ? undefined : `expected ${REMOTE_ID}`));
  const b = wrap(accepted, REMOTE_ID, clock, (id) => (id === LOCAL_ID ? undefined : `expected ${LOCAL_ID}`));
  return { a, b, clock };
}

/** A PeerConnection on the accepting side, and a ScriptedPeer dialling it that sends only what the test says. */
async function connectionWithScriptedPeer(
  checkRemotePeerId: (peerId: number) => string | undefined = (id) => (id === REMOTE_ID ? undefined : 'not listed'),
  clock = new ManualClock(),
): Promise<{ side: Side; peer: ScriptedPeer; clock: ManualClock }> {
  const [dialled, accepted] = await socketPair();
  const peer = new ScriptedPeer(dialled, { pieceSize: layout.pieceSize, label: 'scripted dialler' });
  cleanup.add(async () => {
    peer.destroy();
    await socketClosed(dialled);
  });
  const side = wrap(accepted, LOCAL_ID, clock, checkRemotePeerId);
  return { side, peer, clock };
}

async function disconnectReason(side: Side): Promise<DisconnectReason> {
  return (await side.handlers.waitFor('onDisconnect')).reason;
}

describe('handshake', () => {
  test('both sides send their handshake at once and each learns the other ID', async () => {
    const { a, b } = await connectedPair();
    expect(a.connection.state).toBe('handshaking');

    await a.handlers.waitFor('onHandshake');
    await b.handlers.waitFor('onHandshake');

    expect(a.handlers.calls).toEqual([{ method: 'onHandshake', peerId: REMOTE_ID }]);
    expect(b.handlers.calls).toEqual([{ method: 'onHandshake', peerId: LOCAL_ID }]);
    expect(a.connection.state).toBe('open');
    expect(b.connection.state).toBe('open');
    expect(a.connection.remotePeerId).toBe(REMOTE_ID);
    expect(b.connection.remotePeerId).toBe(LOCAL_ID);
  });

  test('writes its handshake without waiting to read one (a peer that reads first still gets it)', async () => {
    const { side, peer } = await connectionWithScriptedPeer();
    // The scripted peer has sent nothing at all.
    expect(await peer.handshake()).toBe(LOCAL_ID);
    expect(side.connection.state).toBe('handshaking');
    expect(side.handlers.calls).toEqual([]);
  });

  test('the exact 32 handshake bytes go on the wire', async () => {
    const [dialled, accepted] = await socketPair();
    cleanup.add(() => dialled.destroy());
    const firstBytes = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      dialled.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        const all = Buffer.concat(chunks);
        if (all.length >= 32) resolve(all);
      });
    });
    wrap(accepted, 0x01020304, new ManualClock());
    const bytes = await withTimeout(firstBytes, '32 handshake bytes');
    expect(bytes.length).toBe(32); // nothing else before our handshake is read
    expect(bytes.subarray(0, 18).toString('ascii')).toBe(HANDSHAKE_HEADER);
    expect([...bytes.subarray(18, 28)]).toEqual(new Array(10).fill(0));
    expect(bytes.subarray(28).toString('hex')).toBe('01020304');
  });

  test('a bitfield in the same TCP segment as the handshake is delivered after it', async () => {
    const { side, peer } = await connectionWithScriptedPeer();
    const bits = bitfieldOf(layout.pieceCount, [0, 3, 9]);
    peer.sendRaw(Buffer.concat([encodeHandshake(REMOTE_ID), encodeMessage({ type: MessageType.Bitfield, bits: bits.toBuffer() })]));

    const call = await side.handlers.waitFor('onBitfield');
    expect(side.handlers.methods()).toEqual(['onHandshake', 'onBitfield']);
    expect(side.handlers.of('onHandshake')[0].peerId).toBe(REMOTE_ID);
    expect(call.bits).toEqual(bits.toBuffer());
    expect(call.pieceCount).toBe(layout.pieceCount);
    expect(call.count).toBe(3);
  });

  test.each([
    ['all-zero', Buffer.alloc(2)],
    ['zero-length', Buffer.alloc(0)],
  ])('an empty bitfield (%s) is delivered as a bitfield with nothing in it', async (_name, payload) => {
    const { side, peer } = await connectionWithScriptedPeer();
    peer.sendRaw(Buffer.concat([encodeHandshake(REMOTE_ID), encodeMessage({ type: MessageType.Bitfield, bits: payload })]));
    const call = await side.handlers.waitFor('onBitfield');
    expect(call).toEqual({ method: 'onBitfield', bits: Buffer.alloc(2), pieceCount: layout.pieceCount, count: 0 });
    expect(side.connection.state).toBe('open');
  });

  test('a handshake and messages written one byte at a time are reassembled', async () => {
    const { side, peer } = await connectionWithScriptedPeer();
    const bytes = Buffer.concat([
      encodeHandshake(REMOTE_ID),
      encodeMessage({ type: MessageType.Have, index: 4 }),
      encodeMessage({ type: MessageType.Piece, index: 9, data: pieceOf(file, layout, 9) }),
    ]);
    for (const byte of bytes) peer.sendRaw(Buffer.from([byte]));

    const piece = await side.handlers.waitFor('onPiece');
    expect(side.handlers.methods()).toEqual(['onHandshake', 'onHave', 'onPiece']);
    expect(side.handlers.of('onHave')[0].index).toBe(4);
    expect(piece.block).toEqual(wholePiece(9, layout.pieceLength(9)));
    expect(piece.data).toEqual(pieceOf(file, layout, 9));
  });

  test('a wrong header closes the connection with a protocol violation', async () => {
    const { side, peer } = await connectionWithScriptedPeer();
    const bad = encodeHandshake(REMOTE_ID);
    bad.write('P2PFILESHARINGPROX', 0, 'ascii');
    peer.sendRaw(bad);

    expect(await disconnectReason(side)).toMatchObject({ kind: 'protocol-violation', code: 'bad-handshake-header' });
    await peer.waitForClose();
    expect(side.handlers.of('onHandshake')).toEqual([]);
    expect(side.connection.state).toBe('closed');
  });

  test('a header from another protocol is refused before 32 bytes arrive', async () => {
    const { side, peer } = await connectionWithScriptedPeer();
    peer.sendRaw(Buffer.from('\x13BitTorrent protocol', 'latin1')); // 20 bytes, not a full handshake
    expect(await disconnectReason(side)).toMatchObject({ kind: 'protocol-violation', code: 'bad-handshake-header' });
  });

  test('non-zero padding closes the connection with a protocol violation', async () => {
    const { side, peer } = await connectionWithScriptedPeer();
    const bad = encodeHandshake(REMOTE_ID);
    bad[23] = 0x01;
    peer.sendRaw(bad);

    expect(await disconnectReason(side)).toMatchObject({ kind: 'protocol-violation', code: 'bad-handshake-padding' });
    await peer.waitForClose();
    expect(side.handlers.of('onHandshake')).toEqual([]);
  });

  test('an unexpected peer ID closes the connection as unexpected-peer, with the ID and the reason', async () => {
    const { side, peer } = await connectionWithScriptedPeer((id) => (id === REMOTE_ID ? undefined : 'not listed in PeerInfo.cfg'));
    const bitfield = encodeMessage({ type: MessageType.Bitfield, bits: Bitfield.full(layout.pieceCount).toBuffer() });
    peer.sendRaw(Buffer.concat([encodeHandshake(4242), bitfield]));

    expect(await disconnectReason(side)).toEqual({ kind: 'unexpected-peer', got: 4242, why: 'not listed in PeerInfo.cfg' });
    await peer.waitForClose();
    // Nothing after the refused handshake reaches the logic half.
    expect(side.handlers.methods()).toEqual(['onDisconnect']);
  });

  test('no handshake within the timeout closes the connection (ManualClock)', async () => {
    const { side, peer, clock } = await connectionWithScriptedPeer();
    await peer.handshake(); // the connection is up and has written; the scripted peer stays silent

    clock.advance(HANDSHAKE_TIMEOUT_MS - 1);
    await turnEventLoop(3);
    expect(side.connection.state).toBe('handshaking');
    expect(side.handlers.calls).toEqual([]);

    clock.advance(1);
    expect(side.connection.state).toBe('closing');
    expect(await disconnectReason(side)).toEqual({ kind: 'handshake-timeout', timeoutMs: HANDSHAKE_TIMEOUT_MS });
    await peer.waitForClose();
  });

  test('a handshake in time cancels the timeout', async () => {
    const { side, peer, clock } = await connectionWithScriptedPeer();
    peer.sendHandshake(REMOTE_ID);
    await side.handlers.waitFor('onHandshake');

    clock.advance(HANDSHAKE_TIMEOUT_MS * 3);
    await turnEventLoop(3);
    expect(side.connection.state).toBe('open');
    expect(side.handlers.of('onDisconnect')).toEqual([]);
  });
});

describe('messages', () => {
  test('every message type is delivered in order with the right arguments', async () => {
    const { a, b } = await connectedPair();
    await a.handlers.waitFor('onHandshake');
    await b.handlers.waitFor('onHandshake');

    const bits = bitfieldOf(layout.pieceCount, [1, 2, 8]);
    const lastPiece = pieceOf(file, layout, 9); // the short last piece (6 bytes)
    const firstPiece = pieceOf(file, layout, 0);
    a.connection.sendBitfield(bits); // protocol: the bitfield comes first or not at all
    a.connection.sendChoke();
    a.connection.sendUnchoke();
    a.connection.sendInterested();
    a.connection.sendNotInterested();
    a.connection.sendHave(5);
    a.connection.sendRequest(whole(7));
    a.connection.sendPiece(whole(9), lastPiece);
    a.connection.sendPiece(whole(0), firstPiece);

    await b.handlers.waitForCalls(10);
    expect(b.handlers.calls).toEqual([
      { method: 'onHandshake', peerId: LOCAL_ID },
      { method: 'onBitfield', bits: bits.toBuffer(), pieceCount: layout.pieceCount, count: 3 },
      { method: 'onChoke' },
      { method: 'onUnchoke' },
      { method: 'onInterested' },
      { method: 'onNotInterested' },
      { method: 'onHave', index: 5 },
      { method: 'onRequest', block: whole(7) },
      { method: 'onPiece', block: whole(9), data: lastPiece },
      { method: 'onPiece', block: whole(0), data: firstPiece },
    ]);
    expect(lastPiece.length).toBe(6);
  });

  test('messages flow both ways on one connection', async () => {
    const { a, b } = await connectedPair();
    await a.handlers.waitFor('onHandshake');
    await b.handlers.waitFor('onHandshake');
    a.connection.sendInterested();
    b.connection.sendUnchoke();
    a.connection.sendRequest(whole(3));
    await b.handlers.waitFor('onRequest');
    b.connection.sendPiece(whole(3), pieceOf(file, layout, 3));

    const piece = await a.handlers.waitFor('onPiece');
    expect(piece).toEqual({ method: 'onPiece', block: whole(3), data: pieceOf(file, layout, 3) });
    expect(a.handlers.methods()).toEqual(['onHandshake', 'onUnchoke', 'onPiece']);
    expect(b.handlers.methods()).toEqual(['onHandshake', 'onInterested', 'onRequest']);
  });

  test('nothing is sent before the handshake is accepted', async () => {
    const { side, peer } = await connectionWithScriptedPeer();
    side.connection.sendInterested(); // still handshaking: dropped, not written before the handshake
    peer.sendHandshake(REMOTE_ID);
    await side.handlers.waitFor('onHandshake');
    side.connection.sendHave(2);

    expect(await peer.next()).toEqual({ type: MessageType.Have, index: 2 });
    expect(peer.messages).toEqual([{ type: MessageType.Have, index: 2 }]);
  });

  test('a frame over the maximum length closes the connection with a protocol violation', async () => {
    const { side, peer } = await connectionWithScriptedPeer();
    const tooLong = maxMessageLength(layout.pieceSize) + 1;
    const header = Buffer.alloc(5);
    header.writeUInt32BE(tooLong, 0);
    header[4] = MessageType.Piece;
    peer.sendRaw(Buffer.concat([encodeHandshake(REMOTE_ID), header]));

    const reason = await disconnectReason(side);
    expect(reason).toMatchObject({ kind: 'protocol-violation', code: 'frame-too-large' });
    expect(side.handlers.methods()).toEqual(['onHandshake', 'onDisconnect']);
    await peer.waitForClose();
  });

  test('the largest legal frame (a whole piece) is accepted', async () => {
    const { side, peer } = await connectionWithScriptedPeer();
    peer.sendHandshake(REMOTE_ID);
    peer.sendPiece(0, pieceOf(file, layout, 0));
    const piece = await side.handlers.waitFor('onPiece');
    expect(piece.data).toEqual(pieceOf(file, layout, 0));
    expect(side.connection.state).toBe('open');
  });

  test.each([
    ['a have out of range', () => encodeMessage({ type: MessageType.Have, index: layout.pieceCount }), 'index-out-of-range'],
    ['a piece of the wrong length', () => encodeMessage({ type: MessageType.Piece, index: 9, data: Buffer.alloc(16) }), 'bad-piece-length'],
    ['a bitfield of the wrong length', () => encodeMessage({ type: MessageType.Bitfield, bits: Buffer.alloc(3) }), 'bad-bitfield-length'],
    ['an unknown message type', () => Buffer.from([0, 0, 0, 1, 9]), 'unknown-message-type'],
  ])('%s closes the connection with a protocol violation', async (_name, bytes, code) => {
    const { side, peer } = await connectionWithScriptedPeer();
    peer.sendRaw(Buffer.concat([encodeHandshake(REMOTE_ID), encodeMessage({ type: MessageType.Interested }), bytes()]));
    expect(await disconnectReason(side)).toMatchObject({ kind: 'protocol-violation', code });
    // What came before the bad frame was delivered; nothing after it.
    expect(side.handlers.methods()).toEqual(['onHandshake', 'onInterested', 'onDisconnect']);
  });
});

describe('flushing and closing', () => {
  test('flushed() resolves at once when nothing is waiting to be written', async () => {
    const { a } = await connectedPair();
    await a.handlers.waitFor('onHandshake');
    await withTimeout(a.connection.flushed(), 'flushed() on an idle connection');
  });

  test('flushed() resolves once the socket drained a write larger than its buffer', async () => {
    // Big pieces so that one piece fills the socket's write buffer (back-pressure).
    const bigLayout = new PieceLayout(4 * 1024 * 1024, 1024 * 1024);
    const [dialled, accepted] = await socketPair();
    cleanup.add(() => {
      dialled.destroy();
      accepted.destroy();
    });
    const clock = new ManualClock();
    const make = (socket: net.Socket, id: number) => {
      const handlers = new RecordingHandlers();
      const connection = new PeerConnection({
        socket,
        direction: 'outbound',
        localPeerId: id,
        geometry: bigLayout,
        clock,
        handlers,
        checkRemotePeerId: () => undefined,
        handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      });
      return { connection, handlers };
    };
    const sender = make(dialled, 1);
    const receiver = make(accepted, 2);
    await sender.handlers.waitFor('onHandshake');
    await receiver.handlers.waitFor('onHandshake');

    // The receiver stops reading, so the kernel buffers fill and the sender's socket must buffer.
    // (A piece leaves corked with its header, and a corked write reports a need to drain
    // until the next tick even when the kernel took it all: so look after a turn of the loop.)
    accepted.pause();
    const data = knownBytes(bigLayout.pieceSize, 3);
    let sent = 0;
    while (sent < 64) {
      sender.connection.sendPiece(wholePiece(sent % bigLayout.pieceCount, data.length), data);
      sent++;
      await turnEventLoop(1);
      if (dialled.writableNeedDrain) break;
    }
    expect(dialled.writableNeedDrain).toBe(true);

    let flushed = false;
    const whenFlushed = sender.connection.flushed().then(() => (flushed = true));
    await turnEventLoop(5);
    expect(flushed).toBe(false); // back-pressure: not before the neighbour reads

    accepted.resume();
    await withTimeout(whenFlushed, `flushed() after ${sent} MiB written`, 15_000);
    expect(flushed).toBe(true);

    await receiver.handlers.waitFor('onPiece', sent, 15_000);
    const pieces = receiver.handlers.of('onPiece');
    expect(pieces).toHaveLength(sent);
    expect(pieces.every((p, i) => p.block.index === i % bigLayout.pieceCount && p.data.equals(data))).toBe(true);
  });

  test('close() delivers onDisconnect exactly once, with the given reason, and the other side sees remote-closed', async () => {
    const { a, b } = await connectedPair();
    await a.handlers.waitFor('onHandshake');
    await b.handlers.waitFor('onHandshake');

    a.connection.close({ kind: 'shutdown' });
    expect(a.connection.state).toBe('closing');
    a.connection.close({ kind: 'socket-error', message: 'ignored: already closing' });

    expect(await disconnectReason(a)).toEqual({ kind: 'shutdown' });
    expect(await disconnectReason(b)).toEqual({ kind: 'remote-closed' });
    await withTimeout(a.connection.closed, 'closed promise of the closing side');
    await withTimeout(b.connection.closed, 'closed promise of the other side');
    a.connection.close({ kind: 'shutdown' }); // after closed: no second call
    await turnEventLoop(3);

    expect(a.handlers.of('onDisconnect')).toHaveLength(1);
    expect(b.handlers.of('onDisconnect')).toHaveLength(1);
    expect(a.connection.state).toBe('closed');
    expect(b.connection.state).toBe('closed');
    await withTimeout(a.connection.flushed(), 'flushed() on a closed connection');
  });

  test('what was written before close() reaches the other side before the close', async () => {
    const { a, b } = await connectedPair();
    await a.handlers.waitFor('onHandshake');
    await b.handlers.waitFor('onHandshake');
    a.connection.sendHave(1);
    a.connection.sendHave(2);
    a.connection.close({ kind: 'shutdown' });
    a.connection.sendHave(3); // after close(): not sent

    await b.handlers.waitFor('onDisconnect');
    expect(b.handlers.calls).toEqual([
      { method: 'onHandshake', peerId: LOCAL_ID },
      { method: 'onHave', index: 1 },
      { method: 'onHave', index: 2 },
      { method: 'onDisconnect', reason: { kind: 'remote-closed' } },
    ]);
  });

  test('close() on a neighbour that never closes its side destroys the socket after the grace period', async () => {
    const { side, peer, clock } = await connectionWithScriptedPeer();
    peer.socket.allowHalfOpen = true; // keep our write side open after their FIN
    peer.sendHandshake(REMOTE_ID);
    await side.handlers.waitFor('onHandshake');
    // A half-open scripted side: with allowHalfOpen the socket does not end itself on FIN.
    side.connection.close({ kind: 'shutdown' });
    await peer.until(() => peer.ended, 'FIN from the closing side');
    await turnEventLoop(5);
    expect(side.connection.state).toBe('closing'); // the neighbour keeps its side open
    expect(side.handlers.of('onDisconnect')).toEqual([]);
    clock.advance(5_000);
    expect(await disconnectReason(side)).toEqual({ kind: 'shutdown' });
    expect(side.handlers.of('onDisconnect')).toHaveLength(1);
  });

  test('a reset from the neighbour ends the connection once, as a socket error', async () => {
    const { side, peer } = await connectionWithScriptedPeer();
    peer.sendHandshake(REMOTE_ID);
    await side.handlers.waitFor('onHandshake');
    peer.socket.resetAndDestroy();

    const reason = await disconnectReason(side);
    expect(reason.kind).toBe('socket-error');
    await turnEventLoop(3);
    expect(side.handlers.of('onDisconnect')).toHaveLength(1);
    expect(side.connection.state).toBe('closed');
  });
});
