import * as path from 'path';
import { readProtocolLog } from '../support/logChecks.js';
import { runNodeScript, type ProcessResult } from '../support/runProcess.js';
import { debugLogOf, expectSwarmSuccess } from '../support/swarmOutcome.js';
import { makeSwarmDir, type SwarmSetup } from '../support/swarmDir.js';

const SWARMLAB = path.join(import.meta.dirname, '..', '..', 'dist', 'cli', 'swarmlab.js');

function runSwarm(setup: SwarmSetup, args: string[]): Promise<ProcessResult> {
  return runNodeScript(SWARMLAB, ['swarm', '--make-file', '--timeout', '100', ...args], { cwd: setup.root, killAfterMs: 110_000 });
}

/** Large enough, in small pieces, that a peer is still downloading when the launcher's kill lands. */
const SPEC = { peers: 5, fileSize: 12_000_000, pieceSize: 8192, unchokingSeconds: 1, optimisticSeconds: 2 };

describe('crashes: kill -9 half-way, start again, lose nothing', () => {
  let setup: SwarmSetup | undefined;
  afterEach(() => setup?.remove());

  test('a leecher killed half-way resumes from its verified pieces and ends with an identical file', async () => {
    setup = await makeSwarmDir(SPEC);
    // Its download is limited, so the kill (decided on progress reports a moment old) lands mid-way.
    const result = await runSwarm(setup, ['--kill', '1005@50', '--restart-crashed', '1', '--limit', '1005:down=3MiB/s']);
    expectSwarmSuccess(result, SPEC.peers);
    const { output } = result;
    expect(output).toMatch(/1005\s+done \(restarted 1x\)/);
    const resumed = /resumed (\d+) pieces from the resume state/.exec(debugLogOf(setup.root, 1005));
    expect(resumed).not.toBeNull();
    const pieceCount = Math.ceil(SPEC.fileSize / SPEC.pieceSize);
    expect(Number(resumed![1])).toBeGreaterThan(0);
    expect(Number(resumed![1])).toBeLessThan(pieceCount);
    // The appended log holds both lives: the second continues the count from what was resumed.
    const events = readProtocolLog(path.join(setup.root, 'logs'), 1005);
    const counts = events.flatMap((e) => (e.kind === 'downloadedPiece' ? [e.count] : []));
    expect(counts).toContain(Number(resumed![1]) + 1);
    expect(counts.at(-1)).toBe(pieceCount);
    expect(events.filter((e) => e.kind === 'completeFile')).toHaveLength(1);
  }, 120_000);

  test('the only seeder killed half-way: the leechers trade what they have, and the swarm finishes when it is back', async () => {
    setup = await makeSwarmDir(SPEC);
    const result = await runSwarm(setup, ['--kill', '1001@50', '--restart-crashed', '1']);
    expectSwarmSuccess(result, SPEC.peers);
    const { output } = result;
    expect(output).toMatch(/1001\s+done \(restarted 1x\)/);
    // Its log was continued, not started anew: both lives accepted peer 1002.
    const accepted = readProtocolLog(path.join(setup.root, 'logs'), 1001).filter((e) => e.kind === 'connectedFrom' && e.other === 1002);
    expect(accepted.length).toBeGreaterThanOrEqual(2);
    // The leechers that had dialled the seeder dialled it again.
    expect(debugLogOf(setup.root, 1002)).toMatch(/dialling peer 1001 again/);
  }, 120_000);

  test('without --restart-crashed, a dead peer is reported with its last lines and the others are stopped', async () => {
    setup = await makeSwarmDir(SPEC);
    const { code, output } = await runSwarm(setup, ['--kill', '1003@30']);
    expect(code).toBe(7);
    expect(output).toMatch(/peer 1003: exited with SIGKILL; its last output lines:/);
    expect(output).toMatch(/killing peer 1003 \(SIGKILL\)/);
    expect(output).toMatch(/its protocol log ends with:\n {2}\d{4}-\d\d-\d\d .*: Peer 1003 /);
    expect(output).toMatch(/1004\s+stopped \(peer 1003 exited with SIGKILL\)|1004\s+not started/);
  }, 120_000);
});
