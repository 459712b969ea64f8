/**
 * Verified swarms of real processes on 127.0.0.1: Common.cfg names a .torrent
 * (`MetaInfo swarm.torrent`) and every peer checks every piece against it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { makeTorrent } from '../../src/metainfo/makeTorrent.js';
import { PieceVerifier } from '../../src/metainfo/PieceVerifier.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { knownBytes, pieceOf } from '../support/fixtures.js';
import { readProtocolLog } from '../support/logChecks.js';
import { makeSwarmDir, type SwarmSetup, type SwarmSpec } from '../support/swarmDir.js';
import { PEER_PROCESS, SWARMLAB, TrackedProcesses, requireBuild } from './processes.js';

const TORRENT = 'swarm.torrent';

let setup: SwarmSetup | undefined;
const processes = new TrackedProcesses();

beforeAll(requireBuild);
afterEach(async () => {
  await processes.stopAll();
  setup?.remove();
  setup = undefined;
});

/** makeSwarmDir, plus a `MetaInfo` line naming the .torrent. */
async function verifiedSwarmDir(spec: SwarmSpec, torrent = TORRENT): Promise<SwarmSetup> {
  const made = await makeSwarmDir(spec);
  setup = made;
  fs.appendFileSync(path.join(made.root, 'Common.cfg'), `MetaInfo ${torrent}\n`);
  return made;
}

function fileOf(s: SwarmSetup, peerId: number): string {
  return path.join(s.root, 'peers', `peer_${peerId}`, s.fileName);
}

function debugLog(s: SwarmSetup, peerId: number): string {
  return fs.readFileSync(path.join(s.root, 'logs', `log_peer_${peerId}.debug.log`), 'utf8');
}

function runSwarm(s: SwarmSetup, args: string[]) {
  return processes.run(SWARMLAB, ['swarm', '--timeout', '60', ...args], { cwd: s.root, killAfterMs: 80_000 });
}

describe('a verified swarm', () => {
  test('five peers with --make-file: the .torrent is created from the seed file, every piece is checked, every copy is identical', async () => {
    const s = await verifiedSwarmDir({ peers: 5, fileSize: 600_001, pieceSize: 8192 });
    const { code, output } = await runSwarm(s, ['--make-file']);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('all 5 copies are byte-identical') });
    expect(output).toContain(`created ${path.join(s.root, TORRENT)}`);

    // The .torrent describes the seeder's file, piece by piece.
    const torrentFile = path.join(s.root, TORRENT);
    const meta = parseMetaInfo(fs.readFileSync(torrentFile), torrentFile);
    const layout = new PieceLayout(s.fileSize, s.pieceSize);
    expect({ name: meta.name, length: meta.length, pieceLength: meta.pieceLength, pieceCount: meta.pieceCount }).toEqual({
      name: s.fileName,
      length: s.fileSize,
      pieceLength: s.pieceSize,
      pieceCount: layout.pieceCount,
    });
    const seed = fs.readFileSync(fileOf(s, 1001));
    const verifier = new PieceVerifier(meta);
    for (let i = 0; i < layout.pieceCount; i++) expect(verifier.verify(i, pieceOf(seed, layout, i))).toBe(true);

    const infoHash = meta.infoHash.toString('hex');
    for (const id of s.peerIds) {
      expect(fs.readFileSync(fileOf(s, id)).equals(seed)).toBe(true);
      const log = debugLog(s, id);
      expect(log).toContain(`metainfo: info-hash ${infoHash}; every piece is checked against its SHA-1`);
      expect(log).not.toContain('failed its SHA-1 check');
      const events = readProtocolLog(path.join(s.root, 'logs'), id);
      expect(events.filter((e) => e.kind === 'completeFile')).toHaveLength(id === 1001 ? 0 : 1);
    }
    // The seeder checked its own file against the .torrent before serving it.
    expect(debugLog(s, 1001)).toContain(`check done: ${layout.pieceCount} of ${layout.pieceCount} pieces pass their SHA-1 check\n`);
  }, 90_000);

  test('a seeder with one flipped byte: the bad piece is named and never served; every leecher ends with the good file', async () => {
    const s = await verifiedSwarmDir({ peers: 5, seeders: [1001, 1002], fileSize: 200_003, pieceSize: 4096 });
    const layout = new PieceLayout(s.fileSize, s.pieceSize);
    const N = layout.pieceCount;
    const good = knownBytes(s.fileSize, 2024);
    const B = 17; // the piece with the flipped byte
    const bad = Buffer.from(good);
    bad[layout.offsetOf(B) + 100] ^= 0x01;
    for (const [id, bytes] of [[1001, bad], [1002, good]] as const) {
      fs.mkdirSync(path.dirname(fileOf(s, id)), { recursive: true });
      fs.writeFileSync(fileOf(s, id), bytes);
    }
    // The .torrent is made from the good file, before anything runs.
    fs.writeFileSync(path.join(s.root, TORRENT), await makeTorrent(fileOf(s, 1002), { pieceSize: s.pieceSize }));

    const { code, output } = await runSwarm(s, ['--log-level', 'debug']);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('all 5 copies are byte-identical') });

    // The bad seeder named the failing piece as not served; the good one found nothing wrong.
    const badLog = debugLog(s, 1001);
    expect(badLog).toContain(`check done: ${N - 1} of ${N} pieces pass their SHA-1 check; pieces ${B} fail and are not served`);
    expect(debugLog(s, 1002)).toContain(`check done: ${N} of ${N} pieces pass their SHA-1 check\n`);

    // Every leecher holds the good bytes, not the bad seeder's.
    for (const id of [1003, 1004, 1005]) expect(fs.readFileSync(fileOf(s, id)).equals(good)).toBe(true);
    // The bad seeder itself repaired its copy (it lacked piece B, so it downloaded and verified it).
    expect(fs.readFileSync(fileOf(s, 1001)).equals(good)).toBe(true);
    const ownDownloads = readProtocolLog(path.join(s.root, 'logs'), 1001).flatMap((e) => (e.kind === 'downloadedPiece' ? [e.index] : []));
    expect(ownDownloads).toEqual([B]);

    // The bad bytes were never sent: in the bad seeder's own message trace, piece B goes out
    // to nobody before the good piece B came in (it can only serve it once repaired).
    const lines = badLog.split('\n');
    const receivedB = lines.findIndex((l) => new RegExp(`debug: from \\d+: piece ${B} \\(`).test(l));
    const sentB = lines.flatMap((l, i) => (new RegExp(`debug: to (\\d+): piece ${B} \\(`).test(l) ? [i] : []));
    expect(receivedB).toBeGreaterThanOrEqual(0);
    for (const i of sentB) expect(i).toBeGreaterThan(receivedB);
    // And any leecher that got piece B from the bad seeder got it only after that repair: one
    // such log line per piece B the bad seeder sent it after it held the good one.
    for (const id of [1003, 1004, 1005]) {
      const fromBadSeeder = readProtocolLog(path.join(s.root, 'logs'), id).filter((e) => e.kind === 'downloadedPiece' && e.index === B && e.other === 1001);
      const sentToIt = sentB.filter((i) => lines[i].includes(`debug: to ${id}: piece ${B} (`));
      expect(fromBadSeeder.length).toBeLessThanOrEqual(sentToIt.length);
    }
    // Nobody received a piece that failed its check: the bad piece was never on the wire.
    for (const id of s.peerIds) expect(debugLog(s, id)).not.toContain('failed its SHA-1 check');
  }, 90_000);
});

describe('peerProcess refuses a .torrent that does not fit Common.cfg (exit 8, one line)', () => {
  const FILE_SIZE = 10_000;
  const PIECE_SIZE = 1000;

  /** Runs peer 1001 of a fresh swarm dir whose Common.cfg names `torrentName`. */
  async function runWithTorrent(torrentName: string, torrent?: { size: number; pieceSize: number } | Buffer) {
    const s = await verifiedSwarmDir({ peers: 2, fileSize: FILE_SIZE, pieceSize: PIECE_SIZE }, torrentName);
    const torrentFile = path.join(s.root, torrentName);
    if (Buffer.isBuffer(torrent)) fs.writeFileSync(torrentFile, torrent);
    else if (torrent) {
      const source = path.join(s.root, 'other.dat');
      fs.writeFileSync(source, knownBytes(torrent.size, 5));
      fs.writeFileSync(torrentFile, await makeTorrent(source, { pieceSize: torrent.pieceSize }));
    }
    const args = ['1001', '--config-dir', s.root, '--peers-dir', path.join(s.root, 'peers'), '--log-dir', path.join(s.root, 'logs')];
    const result = await processes.run(PEER_PROCESS, args, { cwd: s.root, killAfterMs: 20_000 });
    return { s, torrentFile, result };
  }

  function expectOneLine(stderr: string): string {
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    return lines[0];
  }

  test('its FileSize disagrees', async () => {
    const { s, torrentFile, result } = await runWithTorrent(TORRENT, { size: 12_345, pieceSize: PIECE_SIZE });
    expect(result.code).toBe(8);
    const line = expectOneLine(result.stderr);
    expect(line).toBe(
      `peerProcess 1001: ${torrentFile}: describes 12345 bytes in ${PIECE_SIZE}-byte pieces, but Common.cfg says FileSize ${FILE_SIZE} and PieceSize ${PIECE_SIZE}`,
    );
    expect(fs.existsSync(path.join(s.root, 'logs'))).toBe(false); // stopped before anything started
  }, 30_000);

  test('its PieceSize disagrees', async () => {
    const { s, torrentFile, result } = await runWithTorrent(TORRENT, { size: FILE_SIZE, pieceSize: 2048 });
    expect(result.code).toBe(8);
    const line = expectOneLine(result.stderr);
    expect(line).toBe(
      `peerProcess 1001: ${torrentFile}: describes ${FILE_SIZE} bytes in 2048-byte pieces, but Common.cfg says FileSize ${FILE_SIZE} and PieceSize ${PIECE_SIZE}`,
    );
    expect(fs.existsSync(path.join(s.root, 'logs'))).toBe(false);
  }, 30_000);

  test('it is missing', async () => {
    const { s, torrentFile, result } = await runWithTorrent('absent.torrent');
    expect(result.code).toBe(8);
    const line = expectOneLine(result.stderr);
    expect(line).toBe(`peerProcess 1001: ${torrentFile}: cannot be read (ENOENT); Common.cfg names it as MetaInfo`);
    expect(fs.existsSync(path.join(s.root, 'logs'))).toBe(false);
  }, 30_000);

  test('it is not bencode', async () => {
    const { torrentFile, result } = await runWithTorrent(TORRENT, Buffer.from('this is not a torrent'));
    expect(result.code).toBe(8);
    const line = expectOneLine(result.stderr);
    expect(line.startsWith(`peerProcess 1001: ${torrentFile}: not valid bencode`)).toBe(true);
  }, 30_000);
});
