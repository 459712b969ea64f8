import { encodeHandshake, encodeMessage, maxMessageLength, MessageType, type Message } from '../../src/wire/index.js';
import type { ScenarioRun } from '../../src/conform/ScenarioRun.js';
import { StreamParser, type ConnectionRecord, type Side } from '../../src/conform/WireRecord.js';

/** Tiny geometry for hand-made recordings: 3 pieces of 4 bytes, the last of 2 (a 1-byte bitfield with 5 spare bits). */
export const PIECE_SIZE = 4;
export const FILE = Buffer.from('abcdefghij');
export const PIECE_COUNT = 3;

/** One step of a recording: who wrote, when (ms), what. */
export type Step = [Side, number, Buffer | Message];

export const handshake = (peerId: number): Buffer => encodeHandshake(peerId);
export const piece = (index: number, data = FILE.subarray(index * PIECE_SIZE, (index + 1) * PIECE_SIZE)): Message => ({ type: MessageType.Piece, index, data });
export const request = (index: number): Message => ({ type: MessageType.Request, index });
export const have = (index: number): Message => ({ type: MessageType.Have, index });
export const bitfield = (...bytes: number[]): Message => ({ type: MessageType.Bitfield, bits: Buffer.from(bytes) });
export const choke: Message = { type: MessageType.Choke };
export const unchoke: Message = { type: MessageType.Unchoke };
export const interested: Message = { type: MessageType.Interested };
export const notInterested: Message = { type: MessageType.NotInterested };

/** A connection's record as our scripted neighbour would have made it from these writes and reads. */
export function connection(steps: readonly Step[], label = 'seeder 1001', ourId = 1001): ConnectionRecord {
  const parsers = { peer: new StreamParser('peer', maxMessageLength(PIECE_SIZE)), us: new StreamParser('us', maxMessageLength(PIECE_SIZE)) };
  const units = steps.flatMap(([side, atMs, what]) => parsers[side].push(Buffer.isBuffer(what) ? what : encodeMessage(what), atMs));
  return { label, ourId, units };
}

/** The usual opening when the peer (1002) dials our seeder: its handshake first, ours, our full bitfield. */
export const LEECHER_OPENING: Step[] = [
  ['peer', 1, handshake(1002)],
  ['us', 2, handshake(1001)],
  ['us', 2, bitfield(0b1110_0000)],
];

/** A leecher-scenario run of the peer 1002 that did everything right, to be spoiled one field at a time. */
export function leecherRun(overrides: Partial<ScenarioRun> = {}): ScenarioRun {
  return {
    name: 'leecher',
    peerId: 1002,
    peerHasFile: false,
    peers: [
      { peerId: 1001, hasFile: true },
      { peerId: 1002, hasFile: false },
    ],
    k: 2,
    unchokingMs: 1000,
    optimisticMs: 2000,
    fileName: 'conform.dat',
    pieceSize: PIECE_SIZE,
    pieceCount: PIECE_COUNT,
    file: FILE,
    connections: [
      connection([
        ...LEECHER_OPENING,
        ['peer', 3, interested],
        ['us', 4, unchoke],
        ['peer', 5, request(2)],
        ['us', 6, piece(2)],
        ['peer', 7, have(2)],
        ['peer', 7, request(0)],
        ['us', 8, piece(0)],
        ['peer', 9, have(0)],
        ['peer', 9, request(1)],
        ['us', 10, piece(1)],
        ['peer', 11, have(1)],
        ['peer', 11, notInterested],
      ]),
    ],
    allCompleteAtMs: 10,
    end: { by: 'itself', atMs: 20, code: 0, signal: null },
    peerFile: Buffer.from(FILE),
    log: {
      relativePath: 'log_peer_1002.log',
      lines: [
        '2026-12-02 01:00:00: Peer 1002 makes a connection to Peer 1001.',
        '2026-12-02 01:00:00: Peer 1002 is unchoked by 1001.',
        '2026-12-02 01:00:00: Peer 1002 has downloaded the piece 2 from 1001. Now the number of pieces it has is 1.',
        '2026-12-02 01:00:00: Peer 1002 has downloaded the piece 0 from 1001. Now the number of pieces it has is 2.',
        '2026-12-02 01:00:00: Peer 1002 has downloaded the piece 1 from 1001. Now the number of pieces it has is 3.',
        '2026-12-02 01:00:00: Peer 1002 has downloaded the complete file.',
        '',
      ],
    },
    ...overrides,
  };
}

/** A seeder-scenario run of the peer 1001 serving our leecher 1002, all right: it drops what we ask while it has us choked. */
export function seederRun(overrides: Partial<ScenarioRun> = {}): ScenarioRun {
  return leecherRun({
    name: 'seeder',
    peerId: 1001,
    peerHasFile: true,
    peers: [
      { peerId: 1001, hasFile: true },
      { peerId: 1002, hasFile: false },
    ],
    connections: [
      connection(
        [
          ['peer', 1, handshake(1001)],
          ['peer', 1, bitfield(0b1110_0000)],
          ['us', 2, handshake(1002)],
          ['us', 3, interested],
          ['us', 3, request(1)],
          ['peer', 4, unchoke],
          ['us', 5, request(0)],
          ['peer', 6, piece(0)],
          ['us', 7, have(0)],
          ['peer', 800, choke],
          ['us', 801, request(1)],
        ],
        'leecher 1002',
        1002,
      ),
    ],
    peerFile: Buffer.from(FILE),
    log: { relativePath: 'log_peer_1001.log', lines: ['2026-12-02 01:00:00: Peer 1001 is connected from Peer 1002.'] },
    ...overrides,
  });
}

/** A late-joiner run of the peer 1003, all right: it dials 1001 (pieces 0-1 in its bitfield) and 1002 (no bitfield, then have 2); 1004 (complete, listed after) dials it. */
export function lateJoinerRun(overrides: Partial<ScenarioRun> = {}): ScenarioRun {
  const opening = (ourId: number): Step[] => [
    ['peer', 1, handshake(1003)],
    ['us', 2, handshake(ourId)],
  ];
  return leecherRun({
    name: 'late-joiner',
    peerId: 1003,
    peers: [
      { peerId: 1001, hasFile: false },
      { peerId: 1002, hasFile: false },
      { peerId: 1003, hasFile: false },
      { peerId: 1004, hasFile: true },
    ],
    connections: [
      connection(
        [
          ...opening(1001),
          ['us', 2, bitfield(0b1100_0000)],
          ['us', 2, unchoke],
          ['peer', 3, interested],
          ['peer', 4, request(0)],
          ['us', 5, piece(0)],
          ['peer', 6, have(0)],
          ['peer', 6, request(1)],
          ['us', 7, piece(1)],
          ['peer', 8, have(1)],
          ['peer', 8, notInterested],
          ['peer', 24, have(2)],
        ],
        'earlier 1001',
        1001,
      ),
      connection(
        [
          ...opening(1002),
          ['us', 2, unchoke],
          ['peer', 6, have(0)],
          ['peer', 8, have(1)],
          ['us', 20, have(2)],
          ['peer', 21, interested],
          ['peer', 22, request(2)],
          ['us', 23, piece(2)],
          ['peer', 24, have(2)],
          ['peer', 24, notInterested],
        ],
        'earlier 1002',
        1002,
      ),
      connection([...opening(1004), ['us', 2, bitfield(0b1110_0000)], ['peer', 3, interested], ['peer', 6, have(0)], ['peer', 8, have(1)], ['peer', 24, have(2)], ['peer', 24, notInterested]], 'later 1004', 1004),
    ],
    listeners: [
      { peerId: 1001, listedBefore: true, accepted: 1 },
      { peerId: 1002, listedBefore: true, accepted: 1 },
      { peerId: 1004, listedBefore: false, accepted: 0 },
    ],
    allCompleteAtMs: 24,
    end: { by: 'itself', atMs: 50, code: 0, signal: null },
    log: {
      relativePath: 'log_peer_1003.log',
      lines: [
        '2026-12-02 01:00:00: Peer 1003 makes a connection to Peer 1001.',
        '2026-12-02 01:00:00: Peer 1003 makes a connection to Peer 1002.',
        '2026-12-02 01:00:00: Peer 1003 is connected from Peer 1004.',
        '2026-12-02 01:00:00: Peer 1003 is unchoked by 1001.',
        '2026-12-02 01:00:00: Peer 1003 is unchoked by 1002.',
        '2026-12-02 01:00:00: Peer 1003 has downloaded the piece 0 from 1001. Now the number of pieces it has is 1.',
        '2026-12-02 01:00:00: Peer 1003 has downloaded the piece 1 from 1001. Now the number of pieces it has is 2.',
        "2026-12-02 01:00:00: Peer 1003 received the 'have' message from 1002 for the piece 2.",
        '2026-12-02 01:00:00: Peer 1003 has downloaded the piece 2 from 1002. Now the number of pieces it has is 3.',
        '2026-12-02 01:00:00: Peer 1003 has downloaded the complete file.',
        '',
      ],
    },
    ...overrides,
  });
}

/**
 * A by-rate run of the peer 1005, all right: 1001 (pieces 0 and 2) and 1002 (piece 1) feed it, 1003 and
 * 1004 give nothing; at +1200ms it unchokes the feeders (by rate) and 1003 (optimistic).
 */
export function byRateRun(overrides: Partial<ScenarioRun> = {}): ScenarioRun {
  const haves = (...indices: [number, number][]): Step[] => indices.map(([index, atMs]) => ['peer', atMs, have(index)]);
  const opening = (ourId: number): Step[] => [
    ['peer', 1, handshake(1005)],
    ['us', 2, handshake(ourId)],
  ];
  const feeder = (ourId: number, bits: number, steps: Step[]) =>
    connection([...opening(ourId), ['us', 2, bitfield(bits)], ['us', 2, unchoke], ['peer', 3, interested], ['us', 150, interested], ['peer', 1200, unchoke], ...steps], `feeder ${ourId}`, ourId);
  return leecherRun({
    name: 'by-rate',
    peerId: 1005,
    peers: [1001, 1002, 1003, 1004, 1005].map((peerId) => ({ peerId, hasFile: false })),
    connections: [
      feeder(1001, 0b1010_0000, [['peer', 4, request(0)], ['us', 100, piece(0)], ...haves([0, 101]), ['peer', 1300, request(2)], ['us', 1500, piece(2)], ...haves([1, 1201], [2, 1501]), ['peer', 1501, notInterested]]),
      feeder(1002, 0b0100_0000, [['peer', 4, request(1)], ['us', 1150, piece(1)], ...haves([0, 101], [1, 1201], [2, 1501]), ['peer', 1201, notInterested]]),
      connection([...opening(1003), ...haves([0, 101]), ['us', 150, interested], ['peer', 1200, unchoke], ...haves([1, 1201], [2, 1501])], 'empty 1003', 1003),
      connection([...opening(1004), ...haves([0, 101]), ['us', 150, interested], ...haves([1, 1201], [2, 1501])], 'empty 1004', 1004),
    ],
    listeners: [1001, 1002, 1003, 1004].map((peerId) => ({ peerId, listedBefore: true, accepted: 1 })),
    allCompleteAtMs: 1501,
    end: { by: 'itself', atMs: 2000, code: 0, signal: null },
    log: {
      relativePath: 'log_peer_1005.log',
      lines: [
        ...[1001, 1002, 1003, 1004].map((id) => `2026-12-02 01:00:00: Peer 1005 makes a connection to Peer ${id}.`),
        '2026-12-02 01:00:00: Peer 1005 is unchoked by 1001.',
        '2026-12-02 01:00:00: Peer 1005 is unchoked by 1002.',
        '2026-12-02 01:00:00: Peer 1005 has downloaded the piece 0 from 1001. Now the number of pieces it has is 1.',
        '2026-12-02 01:00:00: Peer 1005 has downloaded the piece 1 from 1002. Now the number of pieces it has is 2.',
        '2026-12-02 01:00:00: Peer 1005 has downloaded the piece 2 from 1001. Now the number of pieces it has is 3.',
        '2026-12-02 01:00:00: Peer 1005 has downloaded the complete file.',
        '',
      ],
    },
    ...overrides,
  });
}

/**
 * A two-sources run of the peer 1003, all right: it dials 1001 and 1002 (both complete); 1001 cuts its
 * request 0 with a choke at +100ms and unchokes it at +1100ms, when it asks 0 again; 1002 gives it 1 and 2.
 */
export function twoSourcesRun(overrides: Partial<ScenarioRun> = {}): ScenarioRun {
  const source = (ourId: number, steps: Step[]) =>
    connection([['peer', 1, handshake(1003)], ['us', 2, handshake(ourId)], ['us', 2, bitfield(0b1110_0000)], ['us', 2, unchoke], ['peer', 3, interested], ...steps], `source ${ourId}`, ourId);
  const haves: Step[] = [
    ['peer', 301, have(1)],
    ['peer', 601, have(2)],
    ['peer', 1401, have(0)],
    ['peer', 1401, notInterested],
  ];
  return leecherRun({
    name: 'two-sources',
    peerId: 1003,
    peers: [
      { peerId: 1001, hasFile: true },
      { peerId: 1002, hasFile: true },
      { peerId: 1003, hasFile: false },
    ],
    connections: [
      source(1001, [['peer', 4, request(0)], ['us', 100, choke], ['us', 1100, unchoke], ['peer', 1101, request(0)], ['us', 1400, piece(0)], ...haves]),
      source(1002, [['peer', 4, request(1)], ['us', 300, piece(1)], ['peer', 301, request(2)], ['us', 600, piece(2)], ...haves]),
    ],
    listeners: [1001, 1002].map((peerId) => ({ peerId, listedBefore: true, accepted: 1 })),
    allCompleteAtMs: 1400,
    end: { by: 'itself', atMs: 2500, code: 0, signal: null },
    log: {
      relativePath: 'log_peer_1003.log',
      lines: [
        '2026-12-02 01:00:00: Peer 1003 makes a connection to Peer 1001.',
        '2026-12-02 01:00:00: Peer 1003 makes a connection to Peer 1002.',
        '2026-12-02 01:00:00: Peer 1003 is unchoked by 1001.',
        '2026-12-02 01:00:00: Peer 1003 is unchoked by 1002.',
        '2026-12-02 01:00:00: Peer 1003 is choked by 1001.',
        '2026-12-02 01:00:00: Peer 1003 has downloaded the piece 1 from 1002. Now the number of pieces it has is 1.',
        '2026-12-02 01:00:00: Peer 1003 has downloaded the piece 2 from 1002. Now the number of pieces it has is 2.',
        '2026-12-02 01:00:01: Peer 1003 is unchoked by 1001.',
        '2026-12-02 01:00:01: Peer 1003 has downloaded the piece 0 from 1001. Now the number of pieces it has is 3.',
        '2026-12-02 01:00:01: Peer 1003 has downloaded the complete file.',
        '',
      ],
    },
    ...overrides,
  });
}
