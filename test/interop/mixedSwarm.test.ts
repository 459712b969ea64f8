/**
 * Interoperability: mixed swarms of our peers (dist/cli/peerProcess.js) and an
 * independent Python peer written from the protocol text only (pypeer.py).
 *
 * Nothing is built here: `npm test` builds dist/ first (pretest). Nothing is
 * skipped: a missing python3 or dist/ fails the test with a message.
 */
import { jest } from '@jest/globals';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { freePorts } from '../../src/net/freePorts.js';
import { missingToolError } from '../support/requiredTools.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const OUR_PEER = path.join(ROOT, 'dist', 'cli', 'peerProcess.js');
const PY_PEER = path.join(import.meta.dirname, 'pypeer.py');
const PYTHON = process.env.PYTHON ?? 'python3';

const FILE_NAME = 'TheFile.dat';
/** 25 pieces of 8 KiB, the last one 3,392 bytes: a bitfield with spare bits. INTEROP_FILE_SIZE=<bytes> makes a longer, busier swarm. */
const FILE_SIZE = Number(process.env.INTEROP_FILE_SIZE ?? 200_000);
const PIECE_SIZE = 8192;

const RUN_BOUND_MS = 60_000; // every process must exit 0 within this
const BIND_BOUND_MS = 10_000; // each peer must be listening within this before the next starts

jest.setTimeout(90_000);

type Impl = 'ours' | 'py';
interface PeerSpec {
  id: number;
  impl: Impl;
  hasFile: boolean;
  flags?: string[]; // pypeer quirks
}
interface Intervals {
  k: number;
  p: number;
  m: number;
}
interface Started {
  spec: PeerSpec;
  port: number;
  child: ChildProcess;
  tail: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

// ---- the spec's log sentences (protocol.md, "Files a peer writes") ----------

/** A timestamp showing date, hours, minutes and seconds (the format is each implementation's own). */
const TIME = String.raw`\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?`;
const ID = String.raw`(\d+)`;
const SENTENCES: Record<string, RegExp> = Object.fromEntries(
  Object.entries({
    connects: String.raw`Peer ${ID} makes a connection to Peer ${ID}\.`,
    connectedFrom: String.raw`Peer ${ID} is connected from Peer ${ID}\.`,
    preferred: String.raw`Peer ${ID} has the preferred neighbors (\d+(?:, ?\d+)*)\.`,
    optimistic: String.raw`Peer ${ID} has the optimistically unchoked neighbor ${ID}\.`,
    unchoked: String.raw`Peer ${ID} is unchoked by ${ID}\.`,
    choked: String.raw`Peer ${ID} is choked by ${ID}\.`,
    have: String.raw`Peer ${ID} received the 'have' message from ${ID} for the piece (\d+)\.`,
    interested: String.raw`Peer ${ID} received the 'interested' message from ${ID}\.`,
    notInterested: String.raw`Peer ${ID} received the 'not interested' message from ${ID}\.`,
    piece: String.raw`Peer ${ID} has downloaded the piece (\d+) from ${ID}\. Now the number of pieces it has is (\d+)\.`,
    complete: String.raw`Peer ${ID} has downloaded the complete file\.`,
  }).map(([name, body]) => [name, new RegExp(`^${TIME}: ${body}$`)]),
);

interface LogLine {
  kind: string;
  groups: string[];
}

/** Parses one log_peer_<id>.log; returns the problems found (empty when every line is a spec sentence about this peer). */
function checkLog(spec: PeerSpec, all: PeerSpec[], text: string): { problems: string[]; lines: LogLine[] } {
  const problems: string[] = [];
  const lines: LogLine[] = [];
  const ids = new Set(all.map((p) => p.id));
  const raw = text.split('\n');
  if (raw[raw.length - 1] === '') raw.pop();
  raw.forEach((line, n) => {
    const where = `log_peer_${spec.id}.log line ${n + 1}: ${JSON.stringify(line)}`;
    const hit = Object.entries(SENTENCES).find(([, re]) => re.test(line));
    if (!hit) return void problems.push(`${where} is none of the spec's sentences`);
    const groups = hit[1].exec(line)!.slice(1);
    if (Number(groups[0]) !== spec.id) problems.push(`${where} is about another peer`);
    const others =
      hit[0] === 'preferred' ? groups[1].split(',').map((s) => s.trim()) : hit[0] === 'complete' ? [] : [hit[0] === 'piece' ? groups[2] : groups[1]];
    for (const o of others) {
      if (!ids.has(Number(o)) || Number(o) === spec.id) problems.push(`${where} names ${o}, not another peer of PeerInfo.cfg`);
    }
    lines.push({ kind: hit[0], groups });
  });
  return { problems, lines };
}

/** What a complete, conforming run must show in one peer's log, beyond the form of each line. */
function checkLogStory(spec: PeerSpec, all: PeerSpec[], lines: LogLine[], pieceCount: number): string[] {
  const problems: string[] = [];
  const me = all.findIndex((p) => p.id === spec.id);
  const name = `peer ${spec.id} (${spec.impl}${spec.hasFile ? ', seeder' : ''})`;
  const count = (kind: string, other?: number) =>
    lines.filter((l) => l.kind === kind && (other === undefined || Number(l.groups[1]) === other)).length;
  all.forEach((p, i) => {
    if (i < me && count('connects', p.id) !== 1) problems.push(`${name} logs 'makes a connection to Peer ${p.id}' ${count('connects', p.id)} times, not once`);
    if (i > me && count('connectedFrom', p.id) !== 1) problems.push(`${name} logs 'is connected from Peer ${p.id}' ${count('connectedFrom', p.id)} times, not once`);
  });
  if (count('connects') + count('connectedFrom') !== all.length - 1) problems.push(`${name} logs ${count('connects') + count('connectedFrom')} connections for ${all.length - 1} other peers`);
  const pieces = lines.filter((l) => l.kind === 'piece');
  if (spec.hasFile) {
    if (count('complete') !== 0) problems.push(`${name} is a seeder but logs 'has downloaded the complete file'`);
    if (pieces.length !== 0) problems.push(`${name} is a seeder but logs ${pieces.length} downloaded pieces`);
  } else {
    if (count('complete') !== 1) problems.push(`${name} logs 'has downloaded the complete file' ${count('complete')} times, not once`);
    const indices = pieces.map((l) => Number(l.groups[1])).sort((a, b) => a - b);
    const expected = Array.from({ length: pieceCount }, (_, i) => i);
    if (JSON.stringify(indices) !== JSON.stringify(expected)) problems.push(`${name} downloads ${indices.length} pieces rather than each of 0..${pieceCount - 1} once`);
    pieces.forEach((l, i) => {
      if (Number(l.groups[3]) !== i + 1) problems.push(`${name}'s ${i + 1}th downloaded piece says it now has ${l.groups[3]}`);
    });
    const completeAt = lines.findIndex((l) => l.kind === 'complete');
    const lastPieceAt = lines.lastIndexOf(pieces[pieces.length - 1]);
    if (completeAt !== -1 && completeAt < lastPieceAt) problems.push(`${name} logs the complete file before its last piece`);
  }
  return problems;
}

// ---- processes -----------------------------------------------------------------

const started: Started[] = [];
const tempDirs: string[] = [];

function preflight(): void {
  const py = spawnSync(PYTHON, ['--version'], { encoding: 'utf8' });
  if (py.error || py.status !== 0 || !/^Python 3\./.test(`${py.stdout}${py.stderr}`.trim())) {
    throw missingToolError('python3', `Python 3 as '${PYTHON}'`, `set PYTHON to override; ${py.error?.message ?? `exit ${py.status}: ${py.stderr}`}`);
  }
  if (!fs.existsSync(OUR_PEER)) {
    throw new Error(`${OUR_PEER} is missing: run \`npm run build\` first (\`npm test\` does it in pretest).`);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function describeTails(procs: Started[]): string {
  return procs
    .map((s) => {
      const state = s.child.exitCode !== null ? `exit ${s.child.exitCode}` : s.child.signalCode ? `signal ${s.child.signalCode}` : 'still running';
      return `--- peer ${s.spec.id} (${s.spec.impl}, pid ${s.child.pid}, ${state}) last output:\n${s.tail.join('\n') || '(none)'}`;
    })
    .join('\n');
}

function startPeer(spec: PeerSpec, port: number, dir: string): Started {
  const dirs = ['--config-dir', dir, '--peers-dir', path.join(dir, 'peers'), '--log-dir', path.join(dir, 'logs')];
  const child =
    spec.impl === 'ours'
      ? spawn(process.execPath, [OUR_PEER, String(spec.id), ...dirs], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(PYTHON, [PY_PEER, String(spec.id), ...dirs, ...(spec.flags ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== ''));
    tail.splice(0, Math.max(0, tail.length - 25));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (e) => {
      tail.push(`spawn error: ${e.message}`);
      resolve({ code: null, signal: null });
    });
  });
  const s: Started = { spec, port, child, tail, exit };
  started.push(s);
  return s;
}

function killStarted(): void {
  for (const s of started.splice(0)) {
    if (s.child.pid !== undefined && s.child.exitCode === null && s.child.signalCode === null) {
      try {
        process.kill(s.child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

/** INTEROP_KEEP=1 keeps each scenario's temp dir (configs, copies, logs) for a post-mortem. */
const KEEP = process.env.INTEROP_KEEP === '1';

afterEach(() => {
  killStarted();
  for (const d of tempDirs.splice(0)) {
    if (KEEP) console.log(`kept ${d}`);
    else fs.rmSync(d, { recursive: true, force: true });
  }
});
afterAll(() => killStarted());

// ---- one scenario --------------------------------------------------------------

/** `extraCommon`: our own optional Common.cfg lines (other implementations ignore keys they do not know). */
async function runSwarm(title: string, peers: PeerSpec[], iv: Intervals, fileSize = FILE_SIZE, extraCommon: string[] = []): Promise<void> {
  preflight();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-interop-'));
  tempDirs.push(dir);
  const ports = await freePorts(peers.length);
  fs.writeFileSync(
    path.join(dir, 'Common.cfg'),
    [
      `NumberOfPreferredNeighbors ${iv.k}`,
      `UnchokingInterval ${iv.p}`,
      `OptimisticUnchokingInterval ${iv.m}`,
      `FileName ${FILE_NAME}`,
      `FileSize ${fileSize}`,
      `PieceSize ${PIECE_SIZE}`,
      ...extraCommon,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'PeerInfo.cfg'), peers.map((p, i) => `${p.id} 127.0.0.1 ${ports[i]} ${p.hasFile ? 1 : 0}\n`).join(''));
  const seed = crypto.randomBytes(fileSize);
  for (const p of peers) {
    fs.mkdirSync(path.join(dir, 'peers', `peer_${p.id}`), { recursive: true });
    if (p.hasFile) fs.writeFileSync(path.join(dir, 'peers', `peer_${p.id}`, FILE_NAME), seed);
  }
  fs.mkdirSync(path.join(dir, 'logs'));

  const t0 = Date.now();
  const procs: Started[] = [];
  for (let i = 0; i < peers.length; i++) {
    const s = startPeer(peers[i], ports[i], dir);
    procs.push(s);
    const deadline = Date.now() + BIND_BOUND_MS;
    while (!(await canConnect(s.port))) {
      // The last peer may find the swarm already complete and exit 0 before we probe it: fine, its exit is checked below.
      if (s.child.exitCode === 0) break;
      if (s.child.exitCode !== null || s.child.signalCode !== null || Date.now() > deadline) {
        throw new Error(`${title}: peer ${s.spec.id} never listened on 127.0.0.1:${s.port}\n${describeTails(procs)}`);
      }
      await sleep(50);
    }
  }

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), RUN_BOUND_MS)));
  const exits = await Promise.race([Promise.all(procs.map((s) => s.exit)), timedOut]);
  clearTimeout(timer);
  const elapsed = Date.now() - t0;
  if (exits === 'timeout') {
    const tails = describeTails(procs);
    killStarted();
    throw new Error(`${title}: not every peer exited within ${RUN_BOUND_MS / 1000} s\n${tails}`);
  }
  const bad = exits.map((e, i) => ({ e, s: procs[i] })).filter(({ e }) => e.code !== 0);
  if (bad.length > 0) {
    throw new Error(`${title}: ${bad.map(({ e, s }) => `peer ${s.spec.id} exited ${e.code ?? e.signal}`).join(', ')}\n${describeTails(procs)}`);
  }

  const problems: string[] = [];
  for (const p of peers) {
    const copy = path.join(dir, 'peers', `peer_${p.id}`, FILE_NAME);
    if (!fs.existsSync(copy)) problems.push(`peer ${p.id} (${p.impl}) has no ${FILE_NAME}`);
    else if (!fs.readFileSync(copy).equals(seed)) problems.push(`peer ${p.id} (${p.impl}): its ${FILE_NAME} differs from the seed file`);
    const logPath = path.join(dir, 'logs', `log_peer_${p.id}.log`);
    if (!fs.existsSync(logPath)) {
      problems.push(`peer ${p.id} (${p.impl}) wrote no log_peer_${p.id}.log`);
      continue;
    }
    const { problems: form, lines } = checkLog(p, peers, fs.readFileSync(logPath, 'utf8'));
    problems.push(...form.slice(0, 10), ...(form.length > 10 ? [`... and ${form.length - 10} more in log_peer_${p.id}.log`] : []));
    problems.push(...checkLogStory(p, peers, lines, Math.ceil(fileSize / PIECE_SIZE)));
  }
  // One summary line per scenario, for the report.
  console.log(`${title}: ${fileSize} bytes, ${peers.map((p) => `${p.id}:${p.impl}${p.hasFile ? '(seed)' : ''}${p.flags?.length ? `[${p.flags.join(' ')}]` : ''}`).join(' ')} done in ${elapsed} ms`);
  expect(problems).toEqual([]);
}

// ---- scenarios -----------------------------------------------------------------

const QUIRKS = ['--always-send-bitfield', '--repeat-interested'];

describe('mixed swarms of our peers and an independent Python peer', () => {
  test('(a) a Python seeder first, our leechers after', async () => {
    await runSwarm(
      '(a)',
      [
        { id: 1001, impl: 'py', hasFile: true },
        { id: 1002, impl: 'ours', hasFile: false },
        { id: 1003, impl: 'ours', hasFile: false },
        { id: 1004, impl: 'ours', hasFile: false },
        { id: 1005, impl: 'ours', hasFile: false },
      ],
      { k: 2, p: 1, m: 2 },
    );
  });

  test('(b) our seeder first, a quirky Python leecher in the middle and a plain one last', async () => {
    await runSwarm(
      '(b)',
      [
        { id: 2001, impl: 'ours', hasFile: true },
        { id: 2002, impl: 'ours', hasFile: false },
        { id: 2003, impl: 'py', hasFile: false, flags: QUIRKS },
        { id: 2004, impl: 'ours', hasFile: false },
        { id: 2005, impl: 'py', hasFile: false },
      ],
      { k: 2, p: 0.5, m: 1.5 },
    );
  });

  test('(c) Python peers early and late, ours in between (a seeder of each kind)', async () => {
    await runSwarm(
      '(c)',
      [
        { id: 3001, impl: 'py', hasFile: true },
        { id: 3002, impl: 'py', hasFile: false, flags: ['--always-send-bitfield'] },
        { id: 3003, impl: 'ours', hasFile: false },
        { id: 3004, impl: 'ours', hasFile: true },
        { id: 3005, impl: 'ours', hasFile: false },
        { id: 3006, impl: 'py', hasFile: false, flags: ['--repeat-interested'] },
      ],
      { k: 2, p: 1, m: 2 },
    );
  });

  // (a) again with a long endgame: 4,883 pieces, so that our leechers trade among
  // themselves while the (slower) Python seeder serves. It exercises what the
  // small file cannot: choke/unchoke in quick succession around in-flight
  // requests, and pieces arriving for requests a choke voided (every copy must be
  // accounted for, or a connection is closed for an "unrequested" piece).
  test('(d) a Python seeder first, our leechers after, 40 MB', async () => {
    await runSwarm(
      '(d)',
      [
        { id: 4001, impl: 'py', hasFile: true },
        { id: 4002, impl: 'ours', hasFile: false },
        { id: 4003, impl: 'ours', hasFile: false },
        { id: 4004, impl: 'ours', hasFile: false },
        { id: 4005, impl: 'ours', hasFile: false },
      ],
      { k: 2, p: 1, m: 2 },
      40_000_000,
    );
  });

  // Our peers pipeline (8 requests in flight, rarest first, end game) while the
  // Python peers answer one request at a time and ask one at a time: pipelining
  // is legal on the wire, so the mixed swarm must still finish, in every role.
  test('(e) ours with rarest-first and pipelining, Python seeder and leechers', async () => {
    await runSwarm(
      '(e)',
      [
        { id: 5001, impl: 'py', hasFile: true },
        { id: 5002, impl: 'ours', hasFile: false },
        { id: 5003, impl: 'py', hasFile: false, flags: QUIRKS },
        { id: 5004, impl: 'ours', hasFile: false },
        { id: 5005, impl: 'ours', hasFile: true },
        { id: 5006, impl: 'py', hasFile: false },
      ],
      { k: 2, p: 1, m: 2 },
      2_000_000,
      ['RequestStrategy rarest-first', 'MaxRequestsPerPeer 8'],
    );
  });
});
