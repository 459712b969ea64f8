/**
 * Hostile input against a real BtSession on 127.0.0.1 (the issue, section 3):
 * a raw peer speaks the BitTorrent wire by hand (test/support/RawBtPeer.ts)
 * next to an honest one connected at the same time. Every case checks that the
 * offending connection is closed (an unknown info-hash or another protocol
 * before the session said a byte), that the reason is in the debug log, that
 * the honest peer is still served afterwards, and that nothing was logged as
 * an error. The cases that are answered rather than closed (requests while
 * choked, a moderate request excess, a few unrequested blocks) check that the
 * connection stays.
 *
 * Time is the session's ManualClock: no timer fires unless a test advances it.
 */
import { jest } from '@jest/globals';
import type { BlockRef } from '../../src/core/BlockRef.js';
import { MAX_QUEUED_REQUESTS } from '../../src/torrent/BlockUploader.js';
import { MAX_UNREQUESTED_BLOCKS } from '../../src/torrent/Downloader.js';
import { BT_MAX_MESSAGES_PER_SECOND, IDLE_TIMEOUT_MS, KEEP_ALIVE_MS } from '../../src/net/bt/BtConnection.js';
import { BT_MESSAGE_ID, BT_PROTOCOL, MAX_EXTENDED_PAYLOAD_BYTES, encodeBtHandshake, type BtMessage } from '../../src/wire/bt/index.js';
import { BLOCK, BtSessionUnderTest, INFO_HASH, rawPeerId } from '../support/btSessionHarness.js';
import { Cleanup } from '../support/nodeHarness.js';
import { FULL_CAPS, type RawBtPeer } from '../support/RawBtPeer.js';
import { withTimeout } from '../support/waiting.js';

jest.setTimeout(20_000);

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** A seed session, and an honest peer it has already served a block to. */
async function seedWithHonestPeer(): Promise<{ seed: BtSessionUnderTest; honest: RawBtPeer }> {
  const seed = await BtSessionUnderTest.start({ complete: true, cleanup });
  const honest = await seed.open('honest peer');
  await seed.expectServes(honest);
  return { seed, honest };
}

/** The honest peer is still served, and the session logged no error. */
async function expectCarriesOn(seed: BtSessionUnderTest, honest: RawBtPeer): Promise<void> {
  await seed.expectServes(honest, { index: 3, begin: BLOCK, length: 20_000 - BLOCK });
  seed.expectNoErrors();
}

/** A frame's first 5 bytes: the length field and the message id, nothing after. */
function frameHeader(messageLength: number, id: number): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(messageLength, 0);
  header[4] = id;
  return header;
}

/** `count` keep-alives in one buffer: 4 zero bytes each. */
const keepAlives = (count: number): Buffer => Buffer.alloc(4 * count);

const extended = (text: string): BtMessage => ({ kind: 'extended', id: 0, payload: Buffer.from(text, 'latin1') });

describe('before the session answers: closed with zero bytes sent', () => {
  test('a handshake for an info-hash the session does not hold', async () => {
    const { seed, honest } = await seedWithHonestPeer();
    const scanner = await seed.dial('scanner');
    const otherHash = Buffer.alloc(20, 0xcd);
    scanner.sendRaw(encodeBtHandshake({ capabilities: FULL_CAPS, infoHash: otherHash, peerId: rawPeerId(90) }));
    await seed.expectRefusedByRouter(scanner, `no torrent ${otherHash.toString('hex')} here`);
    await expectCarriesOn(seed, honest);
  });

  test.each([
    ['another protocol (HTTP)', Buffer.from('GET /announce HTTP/1.1\r\nHost: x\r\n\r\n'), 'protocol string length is 71, not 19 (byte 0 is 0x47)'],
    ['a protocol string one letter off', Buffer.from(`\x13${BT_PROTOCOL.replace('protocol', 'Protocol')}`, 'latin1'), "protocol string is not 'BitTorrent protocol' (byte 12 is 0x50)"],
  ])('%s', async (_, bytes, reason) => {
    const { seed, honest } = await seedWithHonestPeer();
    const stranger = await seed.dial('stranger');
    stranger.sendRaw(bytes);
    await seed.expectRefusedByRouter(stranger, reason);
    await expectCarriesOn(seed, honest);
  });
});

describe('at the peer id: refused after the session’s handshake, nothing more', () => {
  test('a peer that is ourselves (our own peer id)', async () => {
    const { seed, honest } = await seedWithHonestPeer();
    const mirror = await seed.dial('mirror');
    mirror.sendHandshake(INFO_HASH, seed.localPeerId);
    await seed.expectRefusedAtPeerId(mirror, 'that is us');
    await expectCarriesOn(seed, honest);
  });

  test('a second connection with the peer id of one already connected; the first stays', async () => {
    const { seed, honest } = await seedWithHonestPeer();
    const twin = await seed.dial('twin');
    twin.sendHandshake(INFO_HASH, rawPeerId(1)); // the honest peer's id
    await seed.expectRefusedAtPeerId(twin, `already connected to that peer (${honest.address})`);
    await expectCarriesOn(seed, honest);
  });
});

describe('after the handshake: the offending connection is closed for its reason', () => {
  const cases: { name: string; caps?: typeof FULL_CAPS; opening?: BtMessage[]; bad: Buffer | BtMessage[]; reason: string }[] = [
    {
      name: 'a piece frame one byte over a block + 13, refused from its header',
      bad: frameHeader(1 + 8 + BLOCK + 1, BT_MESSAGE_ID.piece),
      reason: 'protocol violation (frame-too-large): piece frame length 16394 exceeds the maximum 16393 (a 16 KiB block)',
    },
    {
      name: 'a frame of 2 GiB, refused from its length field',
      bad: frameHeader(0x7fffffff, BT_MESSAGE_ID.have),
      reason: `protocol violation (frame-too-large): frame length 2147483647 exceeds the maximum ${2 + MAX_EXTENDED_PAYLOAD_BYTES}`,
    },
    {
      name: 'a bitfield of the wrong size',
      bad: [{ kind: 'bitfield', bits: Buffer.from([0x80, 0x00]) }],
      reason: 'protocol violation (bad-bitfield-length): bitfield of 2 bytes, expected 1 for 4 pieces',
    },
    {
      name: 'a bitfield with spare bits set',
      bad: [{ kind: 'bitfield', bits: Buffer.from([0x81]) }],
      reason: 'protocol violation (bad-bitfield-spare-bits)',
    },
    {
      name: 'a have out of range',
      bad: [{ kind: 'have', index: 4 }],
      reason: 'protocol violation (index-out-of-range): have for piece 4, but there are 4 pieces',
    },
    {
      name: 'a request over 16 KiB',
      bad: [{ kind: 'request', index: 0, begin: 0, length: BLOCK + 1 }],
      reason: 'protocol violation (block-too-large): request for 16385 bytes, more than a 16384-byte block',
    },
    {
      name: "a request past the piece's end",
      bad: [{ kind: 'request', index: 3, begin: BLOCK, length: BLOCK }],
      reason: 'protocol violation (block-past-piece-end): request for bytes 16384..32768 of piece 3, which has 20000',
    },
    {
      name: 'a BEP 6 message without the fast bit',
      caps: { extended: true, fast: false, dht: false },
      bad: [{ kind: 'have-none' }],
      reason: 'protocol violation (fast-not-negotiated): have-none without the fast extension (BEP 6) on both sides',
    },
    {
      name: 'an extended message without the BEP 10 bit',
      caps: { extended: false, fast: true, dht: false },
      bad: [extended('d1:md11:ut_metadatai1eee')],
      reason: 'protocol violation (extension-not-negotiated)',
    },
    {
      name: 'an extension handshake that is a list, not a dictionary',
      bad: [extended('li1ee')],
      reason: 'protocol violation (bad-extension-handshake): extension handshake is not a bencoded dictionary',
    },
    {
      name: 'an extension handshake that is a truncated dictionary',
      bad: [extended('d1:mde1:v')],
      reason: 'protocol violation (bad-bencode)',
    },
    {
      name: 'an extension handshake nested 100 deep',
      bad: [extended('d1:m' + 'l'.repeat(100) + 'e'.repeat(101))],
      reason: 'protocol violation (bad-bencode)',
    },
    {
      name: 'an extension handshake over the size cap, refused from its header',
      bad: frameHeader(1 + 1 + MAX_EXTENDED_PAYLOAD_BYTES + 1, BT_MESSAGE_ID.extended),
      reason: `protocol violation (frame-too-large): frame length ${2 + MAX_EXTENDED_PAYLOAD_BYTES + 1} exceeds the maximum ${2 + MAX_EXTENDED_PAYLOAD_BYTES}`,
    },
    {
      name: `more than ${BT_MAX_MESSAGES_PER_SECOND} messages in one second (keep-alives)`,
      bad: keepAlives(BT_MAX_MESSAGES_PER_SECOND + 1),
      reason: `protocol violation (flood): more than ${BT_MAX_MESSAGES_PER_SECOND} messages in one second`,
    },
  ];

  test.each(cases)('$name', async ({ caps, opening, bad, reason }) => {
    const { seed, honest } = await seedWithHonestPeer();
    const hostile = await seed.open('hostile peer', { caps, opening });
    if (Buffer.isBuffer(bad)) hostile.sendRaw(bad);
    else hostile.send(...bad);
    await seed.expectDropped(hostile, reason);
    await expectCarriesOn(seed, honest);
  });
});

test('30,000 messages in one second are a fast peer, not a flood (aria2 asks for 12,000 blocks a second at 190 MiB/s)', async () => {
  const { seed, honest } = await seedWithHonestPeer();
  const fast = await seed.open('fast peer');
  fast.sendRaw(keepAlives(30_000));
  await seed.expectServes(fast);
  expect(fast.closed).toBe(false);
  await expectCarriesOn(seed, honest);
});

describe('requests', () => {
  /** Requests for distinct blocks, all inside piece 0: (0, 0, first), (0, 0, first + 1), ... */
  const distinctRequests = (first: number, count: number): BtMessage[] =>
    Array.from({ length: count }, (_, i) => ({ kind: 'request', index: 0, begin: 0, length: first + i }));
  const lengths = (blocks: BlockRef[]) => blocks.map((block) => block.length);
  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  test('while choked: each is rejected (BEP 6), and the connection stays', async () => {
    const { seed, honest } = await seedWithHonestPeer();
    const eager = await seed.open('eager peer'); // never says it is interested: never unchoked
    eager.send(...distinctRequests(1, 3));
    await eager.until(() => eager.received('reject').length === 3, 'three rejects');
    expect(lengths(eager.received('reject'))).toEqual([1, 2, 3]);
    await seed.expectStillOpen(eager);
    expect(eager.received('piece')).toEqual([]);
    await expectCarriesOn(seed, honest);
  });

  test(`beyond the ${MAX_QUEUED_REQUESTS} we queue: up to as many again are rejected (BEP 6) and the queue is served`, async () => {
    const { seed, honest } = await seedWithHonestPeer();
    const greedy = await seed.open('greedy peer');
    await seed.expectServes(greedy); // interested and unchoked
    seed.data.holdReads(); // the first request is being read; the queue stays full while the rest arrive
    greedy.send(...distinctRequests(1, 1 + 2 * MAX_QUEUED_REQUESTS));
    await greedy.until(() => greedy.received('reject').length === MAX_QUEUED_REQUESTS, `${MAX_QUEUED_REQUESTS} rejects`);
    expect(lengths(greedy.received('reject'))).toEqual(range(2 + MAX_QUEUED_REQUESTS, MAX_QUEUED_REQUESTS));
    await seed.expectStillOpen(greedy);
    seed.data.releaseReads();
    await greedy.until(() => greedy.received('piece').length === 1 + 1 + MAX_QUEUED_REQUESTS, 'the queue served');
    expect(greedy.received('piece').slice(1).map((m) => m.data.length)).toEqual(range(1, 1 + MAX_QUEUED_REQUESTS));
    await expectCarriesOn(seed, honest);
  });

  test('one more than that is abuse: the connection is closed', async () => {
    const { seed, honest } = await seedWithHonestPeer();
    const flooder = await seed.open('flooding peer');
    await seed.expectServes(flooder);
    seed.data.holdReads();
    flooder.send(...distinctRequests(1, 1 + 2 * MAX_QUEUED_REQUESTS + 1));
    await seed.expectDropped(flooder, `protocol violation (too-many-requests): more than ${MAX_QUEUED_REQUESTS} requests queued, again and again`);
    expect(flooder.received('reject')).toHaveLength(MAX_QUEUED_REQUESTS);
    const readsBefore = seed.data.reads;
    seed.data.releaseReads();
    await expectCarriesOn(seed, honest);
    // Its queue died with it: the read held when it was closed is not sent, and nothing more of its is read.
    expect(seed.data.reads - readsBefore).toBe(2); // that held read, and the honest peer's block
    const bytesReceived = (peer: RawBtPeer) => peer.received('piece').reduce((sum, m) => sum + m.data.length, 0);
    expect(seed.torrent.status().uploaded).toBe(bytesReceived(honest) + bytesReceived(flooder));
  });

  test('a peer that asks and leaves: what it queued is not read from disk after it is gone', async () => {
    const { seed, honest } = await seedWithHonestPeer();
    const runner = await seed.open('asking-and-leaving peer');
    await seed.expectServes(runner);
    seed.data.holdReads();
    runner.send(...distinctRequests(1, 100));
    await seed.debugLine(`from ${runner.address}: request 0+0 (100 bytes)`);
    runner.destroy();
    await seed.debugLine(`connection with ${runner.address} ended: `);
    const readsBefore = seed.data.reads;
    const uploadedBefore = seed.torrent.status().uploaded;
    seed.data.releaseReads();
    await expectCarriesOn(seed, honest);
    expect(seed.data.reads - readsBefore).toBe(2); // the read held when it left, and the honest peer's block
    expect(seed.torrent.status().uploaded - uploadedBefore).toBe(20_000 - BLOCK);
  });
});

describe('a later bitfield (a leecher session)', () => {
  test('is what the peer holds now, not a violation: aria2 sends a have-all once it completes', async () => {
    const leecher = await BtSessionUnderTest.start({ complete: false, cleanup });
    const growing = await leecher.open('growing peer', { opening: [{ kind: 'have-none' }] });
    growing.send({ kind: 'have-all' });
    await growing.nextOfKind('interested');
    await leecher.expectDownloadsFrom(growing);
    leecher.expectNoErrors();
  });
});

describe('blocks never requested (a leecher session)', () => {
  test(`are dropped, up to ${MAX_UNREQUESTED_BLOCKS}; one more closes the connection`, async () => {
    const leecher = await BtSessionUnderTest.start({ complete: false, cleanup });
    const honestSeed = await leecher.open('honest seed', { opening: [{ kind: 'have-all' }] });
    const pusher = await leecher.open('pushing peer', { opening: [{ kind: 'have-all' }] });
    await pusher.nextOfKind('interested'); // the leecher wants its pieces; never unchoked, it is asked for nothing
    const block = { index: 0, begin: 0, length: BLOCK };
    const unrequested: BtMessage = { kind: 'piece', index: 0, begin: 0, data: leecher.bytesOf(block) };
    pusher.send(...Array.from({ length: MAX_UNREQUESTED_BLOCKS }, () => unrequested));
    await leecher.expectStillOpen(pusher);
    expect(leecher.data.written).toEqual([]);
    pusher.send(unrequested);
    await leecher.expectDropped(pusher, `protocol violation (unrequested-blocks): more than ${MAX_UNREQUESTED_BLOCKS} blocks we never asked for`);
    await leecher.expectDownloadsFrom(honestSeed);
    leecher.expectNoErrors();
  });
});

describe('bad blocks (a leecher session)', () => {
  test('a peer answering with corrupt blocks is blamed for them, never the honest peer whose blocks shared its pieces', async () => {
    const leecher = await BtSessionUnderTest.start({ complete: false, cleanup });
    const honestSeed = await leecher.open('honest seed', { opening: [{ kind: 'have-all' }] });
    const liar = await leecher.open('lying seed', { opening: [{ kind: 'have-all' }] });
    await Promise.all([honestSeed.nextOfKind('interested'), liar.nextOfKind('interested')]);
    liar.answerRequests((block) => Buffer.alloc(block.length, 0x5a));
    liar.send({ kind: 'unchoke' });
    await leecher.expectDownloadsFrom(honestSeed); // unchoked at once too: the two share pieces
    const blamed = leecher.diagnostics.at('warn').filter((line) => line.includes('failed its hash check'));
    expect(blamed.length).toBeGreaterThan(0);
    expect(blamed.filter((line) => !line.includes(`; ${liar.address} sent bad data for it`))).toEqual([]);
    leecher.expectNoErrors();
  });
});

describe('shutdown', () => {
  test('closing the session ends connections stuck in their handshake too, without waiting for a timer', async () => {
    const { seed, honest } = await seedWithHonestPeer();
    const atRouter = await seed.dial('peer stuck before its info-hash');
    atRouter.sendRaw(encodeBtHandshake({ capabilities: FULL_CAPS, infoHash: INFO_HASH, peerId: rawPeerId(91) }).subarray(0, 30));
    const atPeerId = await seed.dial('peer stuck before its peer id');
    atPeerId.sendRaw(encodeBtHandshake({ capabilities: FULL_CAPS, infoHash: INFO_HASH, peerId: rawPeerId(92) }).subarray(0, 60));
    await atPeerId.until(() => atPeerId.bytesReceived > 0, "the session's handshake"); // routed to the torrent
    await withTimeout(seed.session.close(), 'the session to close (no timer fires on its ManualClock)');
    for (const peer of [honest, atRouter, atPeerId]) expect(peer.closed).toBe(true);
  });
});

describe('silence (ManualClock)', () => {
  test('keep-alives go out after 2 minutes of our silence; a peer silent for 3 minutes is dropped, a talking one is kept', async () => {
    const { seed, honest } = await seedWithHonestPeer();
    const mute = await seed.open('mute peer');
    seed.clock.advance(100_000);
    honest.send({ kind: 'keep-alive' });
    await seed.debugLine(`from ${honest.address}: keep-alive`);
    seed.clock.advance(KEEP_ALIVE_MS - 100_000);
    await mute.nextOfKind('keep-alive');
    await honest.nextOfKind('keep-alive');
    seed.clock.advance(IDLE_TIMEOUT_MS - KEEP_ALIVE_MS);
    await seed.expectDropped(mute, 'nothing heard for 180 s');
    await expectCarriesOn(seed, honest);
  });
});
