/**
 * Seeded chaos against a real swarm: four real peerProcess processes (one
 * seeder, three leechers) started by SwarmLauncher, and a ChaosPeer listed
 * after them (hasFile 1) that fuzzes every one of them with mutated control
 * frames while being an honest seeder about data. The real peers must still
 * all exit 0 with copies identical to the seed file and logs of spec
 * sentences only.
 *
 * PeerInfo.cfg lists one more peer after the chaos peer: its honest "gate"
 * identity, which connects only once the whole budget is spent. A real peer
 * exits only when it knows every listed peer is complete, so no real peer can
 * finish before the chaos is over: the budget is always sent in full, however
 * fast the real peers swarm (without the gate, that was a race).
 *
 * Reproduce a failure with the seed from the test name:
 *   CHAOS_SEED=<seed> npx jest test/hostile/chaos
 * CHAOS_BUDGET raises the number of mutated frames for a longer local run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { loadConfig } from '../../src/config/Config.js';
import type { PeerInfo } from '../../src/config/PeerInfo.js';
import type { SwarmRun } from '../../src/launcher/SwarmLauncher.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { ChaosPeer } from '../support/ChaosPeer.js';
import { knownBytes } from '../support/fixtures.js';
import { readProtocolLog } from '../support/logChecks.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';
import { withTimeout } from '../support/waiting.js';

/** Mutated frames per CI run. */
const CHAOS_BUDGET = Number(process.env.CHAOS_BUDGET ?? 3_000);
const CHAOS_SEED = Number(process.env.CHAOS_SEED ?? 20_260_521);
const FILE_SIZE = 1_000_000;
const PIECE_SIZE = 1_024;
const RUN_LIMIT_MS = 45_000;

const DIST = path.join(import.meta.dirname, '..', '..', 'dist');
const PEER_PROCESS = path.join(DIST, 'cli', 'peerProcess.js');
// The built launcher: it spawns dist/cli/peerProcess.js relative to itself (from src/ under ts-jest it would not find it).
const { SwarmLauncher } = (await import(pathToFileURL(path.join(DIST, 'launcher', 'SwarmLauncher.js')).href)) as typeof import('../../src/launcher/SwarmLauncher.js');
type SwarmLauncher = import('../../src/launcher/SwarmLauncher.js').SwarmLauncher;

let setup: SwarmSetup | undefined;
let launcher: SwarmLauncher | undefined;
let chaos: ChaosPeer | undefined;

afterEach(() => {
  chaos?.stop();
  if (launcher) {
    for (const run of launcher.runs) {
      if (run.pid !== undefined && run.exitedAtMs === undefined) {
        try {
          process.kill(run.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
  setup?.remove();
  chaos = undefined;
  launcher = undefined;
  setup = undefined;
});

beforeAll(() => {
  if (!fs.existsSync(PEER_PROCESS)) throw new Error(`${PEER_PROCESS} is missing: run npm run build (npm test does it first)`);
});

test(`seed ${CHAOS_SEED}: ${CHAOS_BUDGET} mutated frames against a real swarm; every real peer still exits 0 with an identical copy and spec-only logs`, async () => {
  const started = Date.now();
  setup = await makeSwarmDir({ peers: 6, seeders: [1001, 1005, 1006], fileSize: FILE_SIZE, pieceSize: PIECE_SIZE });
  const config = loadConfig(setup.root);
  const [chaosInfo, gateInfo] = config.peers.slice(-2);
  const real: PeerInfo[] = config.peers.slice(0, -2); // config.peers minus the chaos peer's two identities
  const seedFile = knownBytes(FILE_SIZE, CHAOS_SEED);
  fs.mkdirSync(path.join(setup.root, 'peers', 'peer_1001'), { recursive: true });
  fs.writeFileSync(path.join(setup.root, 'peers', 'peer_1001', setup.fileName), seedFile);

  const output: string[] = [];
  let ready = 0;
  let allReady!: () => void;
  const everyoneListening = new Promise<void>((resolve) => (allReady = resolve));
  launcher = new SwarmLauncher({
    peers: real,
    configDir: setup.root,
    peersDir: path.join(setup.root, 'peers'),
    logDir: path.join(setup.root, 'logs'),
    logLevel: 'info',
    timeoutMs: RUN_LIMIT_MS,
    onOutput: (peerId, line) => output.push(`${peerId}: ${line}`),
    onReport: (report) => {
      if (report.type === 'ready' && ++ready === real.length) allReady();
    },
  });
  const running: Promise<SwarmRun> = launcher.run();
  await withTimeout(everyoneListening, 'every real peer to listen', 20_000);

  chaos = new ChaosPeer({
    peerId: chaosInfo.peerId,
    targets: real.map((p) => ({ peerId: p.peerId, port: p.port })),
    layout: new PieceLayout(FILE_SIZE, PIECE_SIZE),
    file: seedFile,
    seed: CHAOS_SEED,
    budget: CHAOS_BUDGET,
    gatePeerId: gateInfo.peerId,
  });
  const swarm = await running;
  await withTimeout(chaos.done, 'the chaos peer to see every real peer go', 10_000);
  const seconds = (Date.now() - started) / 1000;
  const budgetSeconds = chaos.budgetSpentAt === undefined ? NaN : (chaos.budgetSpentAt - chaos.startedAt) / 1000;
  const swarmSeconds = (swarm.endedMs - chaos.startedAt) / 1000;
  const context = () =>
    `seed ${CHAOS_SEED} (reproduce: CHAOS_SEED=${CHAOS_SEED} npx jest test/hostile/chaos), ${seconds.toFixed(1)} s in all, ` +
    `budget spent ${budgetSeconds.toFixed(2)} s after the chaos peer started, the real peers done ${swarmSeconds.toFixed(2)} s after, ` +
    `chaos stats ${JSON.stringify(chaos!.stats)}\nlast output:\n${output.slice(-30).join('\n')}`;
  console.log(`chaos: ${context().split('\n')[0]}`);

  const ends = swarm.runs.map((run) => ({ peer: run.peer.peerId, end: run.end }));
  const expectedEnds = real.map((p) => ({ peer: p.peerId, end: { kind: 'exited', code: 0, signal: null } }));
  if (JSON.stringify(ends) !== JSON.stringify(expectedEnds)) throw new Error(`not every real peer exited 0: ${JSON.stringify(ends)}; ${context()}`);
  if (chaos.stats.framesSent !== CHAOS_BUDGET) throw new Error(`the chaos peer sent ${chaos.stats.framesSent} of ${CHAOS_BUDGET} frames; ${context()}`);
  if (chaos.stats.decodeErrors.length > 0) throw new Error(`a real peer sent undecodable bytes: ${chaos.stats.decodeErrors[0]}; ${context()}`);
  for (const p of real) {
    const copy = fs.readFileSync(path.join(setup.root, 'peers', `peer_${p.peerId}`, setup.fileName));
    if (!copy.equals(seedFile)) throw new Error(`peer ${p.peerId}'s copy differs from the seed file; ${context()}`);
    const events = readProtocolLog(path.join(setup.root, 'logs'), p.peerId); // throws on any non-spec line
    const completes = events.filter((e) => e.kind === 'completeFile').length;
    expect({ peer: p.peerId, completes, seed: CHAOS_SEED }).toEqual({ peer: p.peerId, completes: p.hasFile ? 0 : 1, seed: CHAOS_SEED });
    for (const e of events) if ('index' in e && e.index >= Math.ceil(FILE_SIZE / PIECE_SIZE)) throw new Error(`peer ${p.peerId} logged piece ${e.index}; ${context()}`);
    // The chaos reached it: it closed chaos connections for protocol violations, and the gate got in at the end.
    const debugLog = fs.readFileSync(path.join(setup.root, 'logs', `log_peer_${p.peerId}.debug.log`), 'utf8');
    if (!debugLog.includes(`connection with ${chaosInfo.peerId} ended: protocol violation`)) {
      throw new Error(`peer ${p.peerId} never closed a chaos connection for a protocol violation; ${context()}`);
    }
    const connectedGate = events.some((e) => (e.kind === 'connectedFrom' || e.kind === 'makesConnection') && e.other === gateInfo.peerId);
    if (!connectedGate) throw new Error(`peer ${p.peerId} never saw the gate identity ${gateInfo.peerId}; ${context()}`);
  }
}, 60_000);
