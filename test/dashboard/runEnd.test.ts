import type { PeerInfo } from '../../src/config/PeerInfo.js';
import { describeRunEnd } from '../../src/dashboard/runEnd.js';
import type { PeerEnd, PeerRun, SwarmRun } from '../../src/launcher/SwarmLauncher.js';

const EXIT_0: PeerEnd = { kind: 'exited', code: 0, signal: null };

/** A run of peers 1001, 1002, ... ending as given, the first one with `restarts`. */
function swarmEnding(ends: PeerEnd[], { timedOut = false, restarts = 0 } = {}): SwarmRun {
  const runs: PeerRun[] = ends.map((end, i) => {
    const peer: PeerInfo = { peerId: 1001 + i, host: '127.0.0.1', port: 7001 + i, hasFile: i === 0, line: i + 1 };
    return { peer, piecesHeld: 0, pieceCount: 8, bytesDownloaded: 0, bytesUploaded: 0, neighbours: [], tail: [], restarts: i === 0 ? restarts : 0, end };
  });
  return { runs, lastStartMs: 0, endedMs: 0, timedOut };
}

describe('describeRunEnd: how the run ended, for the page', () => {
  test('every peer exited with 0: all finished (a peer restarted on the way too)', () => {
    expect(describeRunEnd(swarmEnding([EXIT_0, EXIT_0, EXIT_0], { restarts: 1 }))).toEqual({ allFinished: true, summary: 'all 3 peers finished' });
  });

  test('a crash stops the others: the crash, then the stopped peers named together', () => {
    const stopped: PeerEnd = { kind: 'stopped', because: 'peer 1002 exited with 1' };
    expect(describeRunEnd(swarmEnding([stopped, { kind: 'exited', code: 1, signal: null }, stopped, EXIT_0]))).toEqual({
      allFinished: false,
      summary: '3 of 4 peers did not finish (stopped (peer 1002 exited with 1): 1001, 1003; exited with 1: 1002)',
    });
  });

  test('the timeout: said first, with the peers that hung', () => {
    expect(describeRunEnd(swarmEnding([EXIT_0, { kind: 'timed-out' }, { kind: 'timed-out' }], { timedOut: true }))).toEqual({
      allFinished: false,
      summary: 'timed out; 2 of 3 peers did not finish (hung: stopped at the timeout: 1002, 1003)',
    });
  });

  test('a peer killed from the dashboard and never started again, and one that never started', () => {
    const killed: PeerEnd = { kind: 'stopped', because: 'killed from the control interface' };
    const notStarted: PeerEnd = { kind: 'not-started', because: 'interrupted' };
    expect(describeRunEnd(swarmEnding([EXIT_0, killed, notStarted])).summary).toBe(
      '2 of 3 peers did not finish (stopped (killed from the control interface): 1002; not started (interrupted): 1003)',
    );
  });
});
