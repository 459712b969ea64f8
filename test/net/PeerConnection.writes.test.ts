import { Duplex } from 'stream';
import { PeerConnection } from '../../src/net/PeerConnection.js';
import { wholePiece } from '../../src/core/BlockRef.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { MessageType, encodeHandshake, encodeMessage } from '../../src/wire/index.js';
import { ManualClock } from '../support/ManualClock.js';
import { RecordingHandlers } from '../support/RecordingHandlers.js';
import { turnEventLoop } from '../support/waiting.js';

/** A socket stand-in that records each write it is given: one entry per system call a real socket would make. */
class RecordingSocket extends Duplex {
  readonly writes: Buffer[] = [];
  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.writes.push(chunk);
    done();
  }
  override _writev(chunks: { chunk: Buffer }[], done: () => void): void {
    this.writes.push(Buffer.concat(chunks.map((c) => c.chunk)));
    done();
  }
}

const layout = new PieceLayout(64, 16);

async function openConnection(): Promise<{ connection: PeerConnection; socket: RecordingSocket }> {
  const socket = new RecordingSocket();
  const handlers = new RecordingHandlers();
  const connection = new PeerConnection({
    socket,
    direction: 'outbound',
    localPeerId: 1,
    geometry: layout,
    clock: new ManualClock(),
    handlers,
    checkRemotePeerId: () => undefined,
    handshakeTimeoutMs: 10_000,
  });
  socket.push(encodeHandshake(2));
  await handlers.waitFor('onHandshake');
  await turnEventLoop(1);
  socket.writes.length = 0; // our own handshake
  return { connection, socket };
}

const frames = (...messages: Parameters<typeof encodeMessage>[0][]) => Buffer.concat(messages.map(encodeMessage));

describe('PeerConnection: how messages are grouped into writes', () => {
  test('haves sent during one turn of the loop leave in one write, at the next check phase', async () => {
    const { connection, socket } = await openConnection();
    connection.sendHave(1);
    await Promise.resolve();
    connection.sendHave(2); // a later microtask: the piece completed after it, say
    await new Promise((resolve) => process.nextTick(resolve));
    expect(socket.writes).toHaveLength(0); // still held after the tick
    await new Promise((resolve) => setImmediate(resolve));
    expect(socket.writes).toEqual([frames({ type: MessageType.Have, index: 1 }, { type: MessageType.Have, index: 2 })]);
  });

  test('the course dialect moves whole pieces only: a smaller block is our bug, refused before a byte is written', async () => {
    const { connection, socket } = await openConnection();
    expect(() => connection.sendRequest({ index: 1, begin: 0, length: 8 })).toThrow(RangeError);
    expect(() => connection.sendRequest({ index: 1, begin: 8, length: 8 })).toThrow(RangeError);
    expect(() => connection.sendPiece(wholePiece(1, 16), Buffer.alloc(15))).toThrow(RangeError);
    expect(() => connection.sendRequest(wholePiece(4, 16))).toThrow(RangeError); // past the last piece
    await turnEventLoop(2);
    expect(socket.writes).toEqual([]);
  });

  test('a request leaves at the end of the tick, taking held haves along', async () => {
    const { connection, socket } = await openConnection();
    connection.sendHave(3);
    connection.sendRequest(wholePiece(1, 16));
    connection.sendRequest(wholePiece(2, 16));
    await new Promise((resolve) => process.nextTick(resolve));
    expect(socket.writes).toEqual([
      frames({ type: MessageType.Have, index: 3 }, { type: MessageType.Request, index: 1 }, { type: MessageType.Request, index: 2 }),
    ]);
    await turnEventLoop(2);
    expect(socket.writes).toHaveLength(1); // the have's own flush finds nothing left
  });

  test('a piece leaves at once, as one write with its header and whatever was held', () => {
    return openConnection().then(({ connection, socket }) => {
      const data = Buffer.alloc(16, 5);
      connection.sendHave(0);
      connection.sendPiece(wholePiece(1, data.length), data);
      expect(socket.writes).toEqual([frames({ type: MessageType.Have, index: 0 }, { type: MessageType.Piece, index: 1, data })]);
    });
  });
});
