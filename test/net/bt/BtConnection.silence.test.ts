/**
 * Silence on a BitTorrent connection (bittorrent.md: keep-alive about every 2
 * minutes; the issue: a peer silent for 3 minutes is dead), on BtConnection
 * over an in-memory duplex with a ManualClock: no real time passes.
 */
import type { Duplex } from 'stream';
import { BtConnection, IDLE_TIMEOUT_MS, KEEP_ALIVE_MS } from '../../../src/net/bt/BtConnection.js';
import type { BtPeerEvents } from '../../../src/net/bt/BtPeerEvents.js';
import type { DisconnectReason } from '../../../src/net/ProtocolHandlers.js';
import { BtFrameReader, encodeBtHandshake, encodeBtMessage, type BtMessage, type Capabilities } from '../../../src/wire/bt/index.js';
import { duplexPair } from '../../support/duplexPair.js';
import { ManualClock } from '../../support/ManualClock.js';
import { turnEventLoop } from '../../support/waiting.js';

const NO_EXTENSIONS: Capabilities = { extended: false, fast: false, dht: false };
const INFO_HASH = Buffer.alloc(20, 1);
/** How often the connection looks at silence: the tests step by it. */
const CHECK_MS = 12_000;

/** A connection we dialled, past the handshake, and what its remote end has read of it. */
async function openConnection() {
  const clock = new ManualClock(0);
  const [ours, theirs] = duplexPair();
  const disconnects: DisconnectReason[] = [];
  const connection = new BtConnection({
    socket: ours,
    direction: 'outbound',
    infoHash: INFO_HASH,
    localPeerId: Buffer.alloc(20, 2),
    localCaps: NO_EXTENSIONS,
    geometry: { pieceCount: 4, pieceLength: () => 32_768 },
    clock,
    events: ignoringEventsBut((reason) => disconnects.push(reason)),
    extensionHandshake: { extensions: new Map() },
    checkRemote: () => undefined,
    handshakeTimeoutMs: 20_000,
  });
  const remote = remoteEnd(theirs);
  theirs.write(encodeBtHandshake({ capabilities: NO_EXTENSIONS, infoHash: INFO_HASH, peerId: Buffer.alloc(20, 3) }));
  await turnEventLoop(2);
  expect(connection.state).toBe('open');
  /** Moves the clock, then lets what was written reach the other end. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await turnEventLoop(2);
  };
  /** The remote end sends a keep-alive, read by the connection. */
  const remoteKeepAlive = async () => {
    theirs.write(encodeBtMessage({ kind: 'keep-alive' }));
    await turnEventLoop(2);
  };
  return { clock, connection, remote, disconnects, advance, remoteKeepAlive };
}

/** The messages the remote end reads after our handshake. */
function remoteEnd(socket: Duplex): { messages: BtMessage[] } {
  const reader = new BtFrameReader(4);
  const messages: BtMessage[] = [];
  let handshakeRead = false;
  socket.on('data', (chunk: Buffer) => {
    reader.push(chunk);
    handshakeRead ||= reader.readHandshakeHead() !== undefined && reader.readPeerId() !== undefined;
    if (!handshakeRead) return;
    for (let m = reader.readMessage(); m; m = reader.readMessage()) messages.push(m);
  });
  return { messages };
}

function ignoringEventsBut(onDisconnect: (reason: DisconnectReason) => void): BtPeerEvents {
  const ignore = () => {};
  return {
    onHandshake: ignore,
    onDisconnect,
    onChoke: ignore,
    onUnchoke: ignore,
    onInterested: ignore,
    onNotInterested: ignore,
    onHave: ignore,
    onBitfield: ignore,
    onRequest: ignore,
    onCancel: ignore,
    onReject: ignore,
    onPiece: ignore,
    onExtensionHandshake: ignore,
    onMetadataMessage: ignore,
    onPex: ignore,
  };
}

const keepAlives = (messages: BtMessage[]) => messages.filter((m) => m.kind === 'keep-alive').length;

describe('BtConnection silence (ManualClock)', () => {
  test('a keep-alive goes out once we have sent nothing for 2 minutes, not before', async () => {
    const { remote, advance, remoteKeepAlive } = await openConnection();
    await advance(KEEP_ALIVE_MS - CHECK_MS);
    expect(remote.messages).toEqual([]);
    await advance(CHECK_MS);
    expect(remote.messages).toEqual([{ kind: 'keep-alive' }]);
    await remoteKeepAlive(); // the peer is alive: only our own silence counts
    await advance(KEEP_ALIVE_MS - CHECK_MS);
    expect(keepAlives(remote.messages)).toBe(1);
    await advance(CHECK_MS);
    expect(keepAlives(remote.messages)).toBe(2);
  });

  test('anything we send restarts the 2 minutes', async () => {
    const { connection, remote, advance, remoteKeepAlive } = await openConnection();
    await advance(5 * CHECK_MS);
    connection.sendInterested();
    await advance(KEEP_ALIVE_MS - CHECK_MS);
    await remoteKeepAlive();
    expect(remote.messages).toEqual([{ kind: 'interested' }]);
    await advance(CHECK_MS);
    expect(remote.messages).toEqual([{ kind: 'interested' }, { kind: 'keep-alive' }]);
  });

  test('a peer silent for 3 minutes is dropped at the first check past them', async () => {
    const { connection, disconnects, advance } = await openConnection();
    await advance(IDLE_TIMEOUT_MS - CHECK_MS);
    expect(connection.state).toBe('open');
    await advance(CHECK_MS);
    expect(connection.state).toBe('closing');
    await advance(5_000); // the grace the peer gets to read what we wrote
    expect(connection.state).toBe('closed');
    expect(disconnects).toEqual([{ kind: 'idle', silentMs: IDLE_TIMEOUT_MS }]);
  });

  test('a keep-alive from the peer restarts its 3 minutes', async () => {
    const { connection, disconnects, advance, remoteKeepAlive } = await openConnection();
    await advance(IDLE_TIMEOUT_MS - CHECK_MS);
    await remoteKeepAlive();
    await advance(IDLE_TIMEOUT_MS - CHECK_MS); // 3 minutes after the start, 2.8 after the keep-alive
    expect(connection.state).toBe('open');
    await advance(CHECK_MS);
    expect(connection.state).toBe('closing');
    await advance(5_000);
    expect(disconnects).toEqual([{ kind: 'idle', silentMs: IDLE_TIMEOUT_MS }]);
  });
});
