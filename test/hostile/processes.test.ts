/**
 * The worst hostile inputs against real peerProcess processes: a real seeder
 * (1001) and a real leecher (1002) swarm, and a scripted connection to the
 * seeder sends
 *   (a) an oversized length prefix,
 *   (b) garbage before the handshake,
 *   (c) a flood of tiny frames,
 *   (d) 200 connections that never handshake,
 * each in its own test, then all four in one; and (6) the silent crowd held
 * while the leecher starts (6 process-level cases). Peer
 * 1003, listed last with hasFile 1, is scripted: the attacks on the seeder use
 * its ID before it connects for real, then an honest ChaosPeer (budget 0) with
 * that ID joins, so the swarm can end. Both real processes must exit 0, the
 * leecher's copy must equal the seed file, both protocol logs must hold spec
 * sentences only, and the seeder's debug log must name each attack's reason.
 *
 * [6/6] fails until src retries a dial that the other side closed before any
 * handshake: the leecher, refused once by the seeder's full handshake table,
 * never dials it again, and the two real processes wait for each other forever.
 */
import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as path from 'path';
import { randomInt, seededRandom } from '../../src/common/Random.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { MessageType, encodeMessage } from '../../src/wire/index.js';
import { ChaosPeer } from '../support/ChaosPeer.js';
import { ScriptedPeer } from '../support/ScriptedPeer.js';
import { knownBytes } from '../support/fixtures.js';
import { readProtocolLog } from '../support/logChecks.js';
import { Cleanup } from '../support/nodeHarness.js';
import { PEER_PROCESS_SCRIPT, PeerProcess } from '../support/peerProcesses.js';
import { eventually } from '../support/polling.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';
import { withTimeout } from '../support/waiting.js';

jest.setTimeout(60_000);

const FILE_SIZE = 1_500_000;
const PIECE_SIZE = 1_024;
const SEEDER = 1001;
const LEECHER = 1002;
const SCRIPTED = 1003;
const FLOOD_FRAMES = 100_000; // 5x PeerConnection's 20,000 a second, sent in one write
const SILENT_CONNECTIONS = 200;

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

beforeAll(() => {
  if (!fs.existsSync(PEER_PROCESS_SCRIPT)) throw new Error(`${PEER_PROCESS_SCRIPT} is missing: run npm run build (npm test does it first)`);
});

const u32 = (value: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
};

interface Swarm {
  setup: SwarmSetup;
  seedFile: Buffer;
  seeder: PeerProcess;
  leecher: PeerProcess;
  seederPort: number;
  ports: ReadonlyMap<number, number>;
}

/** A swarm dir with the seeder's file in place (the scripted peer is listed, as a seeder, last). */
async function seededSetup() {
  const setup = await makeSwarmDir({ peers: 3, seeders: [SEEDER, SCRIPTED], fileSize: FILE_SIZE, pieceSize: PIECE_SIZE });
  cleanup.add(() => setup.remove());
  const seedFile = knownBytes(FILE_SIZE, 2026);
  fs.mkdirSync(path.join(setup.root, 'peers', `peer_${SEEDER}`), { recursive: true });
  fs.writeFileSync(path.join(setup.root, 'peers', `peer_${SEEDER}`, setup.fileName), seedFile);
  return { setup, seedFile, ports: setup.ports };
}

/** The seeder, then the leecher (which dials it), both listening and connected to each other. */
async function startSwarm(): Promise<Swarm> {
  const { setup, seedFile, ports } = await seededSetup();
  const seeder = PeerProcess.start(SEEDER, setup);
  cleanup.add(() => seeder.kill());
  await seeder.listening();
  const leecher = PeerProcess.start(LEECHER, setup);
  cleanup.add(() => leecher.kill());
  await leecher.listening();
  await eventually(() => protocolLogOf(setup, SEEDER).includes(`is connected from Peer ${LEECHER}`), 'the leecher to connect to the seeder');
  return { setup, seedFile, seeder, leecher, seederPort: ports.get(SEEDER)!, ports };
}

function protocolLogOf(setup: SwarmSetup, peerId: number): string {
  try {
    return fs.readFileSync(path.join(setup.root, 'logs', `log_peer_${peerId}.log`), 'utf8');
  } catch {
    return '';
  }
}

function debugLogOf(setup: SwarmSetup, peerId: number): string {
  return fs.readFileSync(path.join(setup.root, 'logs', `log_peer_${peerId}.debug.log`), 'utf8');
}

async function connect(port: number, label: string): Promise<ScriptedPeer> {
  const peer = await ScriptedPeer.connect(port, { pieceSize: PIECE_SIZE, label });
  cleanup.add(() => peer.destroy());
  return peer;
}

/** A hostile connection that passes the handshake as peer 1003 (which has not joined yet). */
async function handshaken(swarm: Swarm, label: string): Promise<ScriptedPeer> {
  const peer = await connect(swarm.seederPort, label);
  peer.sendHandshake(SCRIPTED);
  expect(await peer.handshake()).toBe(SEEDER);
  await peer.nextIs(MessageType.Bitfield); // accepted: the seeder sends its bitfield
  return peer;
}

/** Waits for the seeder to print a line (its console mirrors the debug log), so the next step sees the state after it. */
function seederSays(swarm: Swarm, fragment: string): Promise<string> {
  return swarm.seeder.waitForLine(fragment, 10_000);
}

type Attack = (swarm: Swarm) => Promise<string[]>;

/** (a) A length prefix of almost 4 GiB after a valid handshake, and not one byte more. */
const oversizedPrefix: Attack = async (swarm) => {
  const peer = await handshaken(swarm, '(a) oversized prefix');
  peer.sendRaw(u32(0xfffffff0));
  await peer.waitForClose(10_000);
  const line = `connection with ${SCRIPTED} ended: protocol violation (frame-too-large)`;
  await seederSays(swarm, line);
  return [line];
};

/** (b) 64 bytes of (seeded) garbage instead of a handshake. */
const garbageFirst: Attack = async (swarm) => {
  const random = seededRandom(0xb);
  const garbage = Buffer.from(Array.from({ length: 64 }, () => randomInt(random, 256)));
  garbage[0] = 0xab; // never the 'P' of the header
  const peer = await connect(swarm.seederPort, '(b) garbage');
  peer.sendRaw(garbage);
  await peer.waitForClose(10_000);
  expect(peer.messages).toEqual([]);
  const line = 'connection closed before its handshake: protocol violation (bad-handshake-header)';
  await seederSays(swarm, line);
  return [line];
};

/** (c) 100,000 tiny frames (requests while choked) in one write. */
const flood: Attack = async (swarm) => {
  const peer = await handshaken(swarm, '(c) flood');
  const one = encodeMessage({ type: MessageType.Request, index: 0 });
  peer.sendRaw(Buffer.concat(Array.from({ length: FLOOD_FRAMES }, () => one)));
  await peer.waitForClose(10_000);
  const line = `connection with ${SCRIPTED} ended: protocol violation (flood)`;
  await seederSays(swarm, line);
  return [line];
};

/** (d) 200 connections at once that never send a byte: all but the handshake table's few are refused at once. */
const silentCrowd: Attack = async (swarm) => {
  const crowd = await Promise.all(Array.from({ length: SILENT_CONNECTIONS }, (_, i) => connect(swarm.seederPort, `(d) silent ${i + 1}`)));
  const settled = () => crowd.filter((p) => p.closed || p.ended || p.remotePeerId !== undefined).length;
  await eventually(() => settled() === SILENT_CONNECTIONS, () => `all ${SILENT_CONNECTIONS} connections accepted or refused (${settled()} so far)`, 10_000);
  const refused = crowd.filter((p) => (p.closed || p.ended) && p.remotePeerId === undefined).length;
  const waiting = crowd.filter((p) => p.remotePeerId !== undefined).length;
  // The seeder is listed first of three: at most max(4, 2) = 4 inbound connections may wait for a handshake.
  expect({ refused, waiting }).toEqual({ refused: SILENT_CONNECTIONS - waiting, waiting: expect.any(Number) });
  expect(waiting).toBeLessThanOrEqual(4);
  for (const peer of crowd) peer.destroy();
  await eventually(() => crowd.every((p) => p.closed), 'the crowd to be gone');
  const line = 'refused a connection from';
  await seederSays(swarm, line);
  return [line];
};

const everything: Attack = async (swarm) => [
  ...(await oversizedPrefix(swarm)),
  ...(await garbageFirst(swarm)),
  ...(await flood(swarm)),
  ...(await silentCrowd(swarm)),
];

test.each([
  ['1/6', '(a) an oversized length prefix', oversizedPrefix],
  ['2/6', '(b) garbage before the handshake', garbageFirst],
  ['3/6', `(c) a flood of ${FLOOD_FRAMES} tiny frames`, flood],
  ['4/6', `(d) ${SILENT_CONNECTIONS} connections that never handshake`, silentCrowd],
  ['5/6', '(a)-(d) one after the other', everything],
])('[%s] %s sent to a real seeder mid-swarm: both real peers exit 0, identical copies, spec-only logs', async (_n, _what, attack) => {
  const swarm = await startSwarm();
  const reasons = await attack(swarm);
  expect(swarm.seeder.running && swarm.leecher.running).toBe(true);

  // Peer 1003 joins for real (an honest seeder), so everyone can finish.
  const honest = new ChaosPeer({
    peerId: SCRIPTED,
    targets: [SEEDER, LEECHER].map((peerId) => ({ peerId, port: swarm.ports.get(peerId)! })),
    layout: new PieceLayout(FILE_SIZE, PIECE_SIZE),
    file: swarm.seedFile,
    seed: 3,
    budget: 0,
  });
  cleanup.add(() => honest.stop());
  const [seederExit, leecherExit] = await Promise.all([swarm.seeder.finished(30_000), swarm.leecher.finished(30_000)]);
  await withTimeout(honest.done, 'the scripted peer 1003 to see both real peers go');
  expect({ seeder: seederExit, leecher: leecherExit }).toEqual({ seeder: { code: 0, signal: null }, leecher: { code: 0, signal: null } });
  expect(honest.stats.decodeErrors).toEqual([]);

  const copy = fs.readFileSync(path.join(swarm.setup.root, 'peers', `peer_${LEECHER}`, swarm.setup.fileName));
  expect(copy.equals(swarm.seedFile)).toBe(true);
  const pieces = Math.ceil(FILE_SIZE / PIECE_SIZE);
  for (const id of [SEEDER, LEECHER]) {
    const events = readProtocolLog(path.join(swarm.setup.root, 'logs'), id); // throws on any non-spec line
    for (const e of events) if ('index' in e) expect(e.index).toBeLessThan(pieces);
    expect(events.filter((e) => e.kind === 'completeFile')).toHaveLength(id === LEECHER ? 1 : 0);
  }
  const debugLog = debugLogOf(swarm.setup, SEEDER);
  for (const reason of reasons) expect(debugLog).toContain(reason);
  expect(debugLogOf(swarm.setup, LEECHER)).not.toContain('protocol violation');
});

test('[6/6] (d) held while the leecher starts: its dial, refused by the full handshake table, is retried once the crowd leaves', async () => {
  const { setup, seedFile, ports } = await seededSetup();
  const seeder = PeerProcess.start(SEEDER, setup);
  cleanup.add(() => seeder.kill());
  await seeder.listening();
  // Four silent connections fill the seeder's table of connections waiting for a handshake.
  const crowd = await Promise.all(Array.from({ length: 4 }, (_, i) => connect(ports.get(SEEDER)!, `silent ${i + 1}`)));
  await eventually(() => crowd.every((p) => p.remotePeerId === SEEDER), 'the seeder to accept the four');
  const leecher = PeerProcess.start(LEECHER, setup);
  cleanup.add(() => leecher.kill());
  await leecher.waitForLine('connection closed before its handshake', 10_000); // refused by the full table
  for (const peer of crowd) peer.destroy(); // the crowd leaves: the seeder has room again

  const honest = new ChaosPeer({
    peerId: SCRIPTED,
    targets: [SEEDER, LEECHER].map((peerId) => ({ peerId, port: ports.get(peerId)! })),
    layout: new PieceLayout(FILE_SIZE, PIECE_SIZE),
    file: seedFile,
    seed: 6,
    budget: 0,
  });
  cleanup.add(() => honest.stop());
  // Without a new dial the leecher never gets a piece and the seeder waits for it forever.
  const exits = await Promise.all([seeder.finished(20_000), leecher.finished(20_000)]).catch((error: Error) => {
    throw new Error(`${error.message}\nseeder's protocol log:\n${protocolLogOf(setup, SEEDER)}`);
  });
  expect(exits).toEqual([{ code: 0, signal: null }, { code: 0, signal: null }]);
  expect(fs.readFileSync(path.join(setup.root, 'peers', `peer_${LEECHER}`, setup.fileName)).equals(seedFile)).toBe(true);
  for (const id of [SEEDER, LEECHER]) readProtocolLog(path.join(setup.root, 'logs'), id);
});
