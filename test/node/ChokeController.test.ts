import { seededRandom } from '../../src/common/Random.js';
import type { Bitfield } from '../../src/core/Bitfield.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { ChokingManager } from '../../src/policy/ChokingManager.js';
import { RateTracker } from '../../src/policy/RateTracker.js';
import { RequestManager } from '../../src/policy/RequestManager.js';
import { PeerTrust } from '../../src/policy/PeerTrust.js';
import type { BlockRef } from '../../src/core/BlockRef.js';
import { CourseMembership } from '../../src/swarm/CourseMembership.js';
import { writeCourseSentences } from '../../src/log/CourseSentences.js';
import { ChokeController } from '../../src/node/ChokeController.js';
import { EventBus } from '../../src/node/EventBus.js';
import { NeighborSession, type SessionContext, type SessionWire } from '../../src/node/NeighborSession.js';
import type { NodeEvents } from '../../src/node/NodeEvents.js';
import { PeerRegistry } from '../../src/node/PeerRegistry.js';
import { ManualClock } from '../support/ManualClock.js';
import { MemoryPieceStore } from '../support/MemoryPieceStore.js';
import { silentDiagnostics } from '../support/RecordingDiagnostics.js';
import { RecordingProtocolLog } from '../support/RecordingProtocolLog.js';
import { knownBytes } from '../support/fixtures.js';

const P_MS = 5_000;
const M_MS = 15_000;
const layout = new PieceLayout(8 * 16, 16);
const SELF = 1;
const NEIGHBOURS = [2, 3, 4, 5, 6];

/** Records what the node sends; only choke and unchoke matter here. */
class RecordingWire implements SessionWire {
  readonly sent: string[] = [];
  sendChoke = () => void this.sent.push('choke');
  sendUnchoke = () => void this.sent.push('unchoke');
  sendInterested = () => void this.sent.push('interested');
  sendNotInterested = () => void this.sent.push('not interested');
  sendHave = (index: number) => void this.sent.push(`have ${index}`);
  sendBitfield = (_bits: Bitfield) => void this.sent.push('bitfield');
  sendRequest = (block: BlockRef) => void this.sent.push(`request ${block.index}`);
  sendPiece = (block: BlockRef) => void this.sent.push(`piece ${block.index}`);
  close = () => void this.sent.push('close');
  flushed = () => Promise.resolve();
}

function setUp(options: { complete?: boolean; k?: number } = {}) {
  const clock = new ManualClock(0);
  const log = new RecordingProtocolLog(SELF);
  const pieces = options.complete ? MemoryPieceStore.seeder(layout, knownBytes(layout.fileSize, 1)) : MemoryPieceStore.empty(layout);
  const peers = [SELF, ...NEIGHBOURS].map((peerId, i) => ({ peerId, host: '127.0.0.1', port: 9000 + i, hasFile: false, line: i + 1 }));
  const registry = new PeerRegistry(new CourseMembership(peers[0], peers));
  const rates = new RateTracker(clock);
  // The sentences come from the course's subscriber, as in a PeerNode.
  const bus = new EventBus<NodeEvents>();
  writeCourseSentences(bus, log);
  const context: SessionContext = {
    pieces,
    requests: new RequestManager({ random: seededRandom(7) }),
    rates,
    registry,
    bus,
    diag: silentDiagnostics,
    maxQueuedRequests: 4,
    layout,
    clock,
    snubTimeoutMs: 60_000,
    trust: new PeerTrust(),
  };
  const controller = new ChokeController({
    manager: new ChokingManager({ preferredCount: options.k ?? 2, random: seededRandom(11) }),
    registry,
    rates,
    ours: pieces.bitfield,
    clock,
    bus,
    unchokingIntervalMs: P_MS,
    optimisticUnchokingIntervalMs: M_MS,
  });
  const wires = new Map<number, RecordingWire>();
  for (const id of NEIGHBOURS) {
    const session = new NeighborSession(context, 'inbound', { upload: () => 0, download: () => 0 });
    const wire = new RecordingWire();
    session.bind(wire);
    session.onHandshake(id);
    wires.set(id, wire);
  }
  log.sentences.length = 0; // the connection lines: not what these tests are about
  const interested = (...ids: number[]) => {
    for (const id of ids) registry.get(id)!.state.peerInterested = true;
    controller.refresh();
  };
  const unchoked = () => NEIGHBOURS.filter((id) => !registry.get(id)!.state.amChoking);
  return { clock, log, rates, controller, wires, interested, unchoked };
}

describe('ChokeController: the p and m timers on a manual clock', () => {
  test('nothing is unchoked and no p timer runs until a neighbour is interested', () => {
    const { clock, controller, unchoked, log } = setUp();
    controller.start();
    controller.refresh();
    expect(unchoked()).toEqual([]);
    expect(clock.pendingTimers).toBe(1); // only the m timer
    expect(log.sentences).toEqual([]);
  });

  test('the first choice is made at once, then every p seconds from it', () => {
    const { clock, controller, interested, unchoked, log, rates, wires } = setUp();
    controller.start();
    clock.advance(1_234);
    interested(2);
    expect(unchoked()).toEqual([2]);
    expect(wires.get(2)!.sent).toEqual(['unchoke']);
    expect(log.sentences).toEqual(['Peer 1 has the preferred neighbors 2.']);
    expect(clock.pendingTimers).toBe(2);

    // 3 and 4 become interested; 2 slots: 3 fills the free one at once.
    interested(3, 4);
    expect(unchoked().length).toBeLessThanOrEqual(3);
    // By the next p tick, 4 and 3 sent the most: they become the preferred.
    rates.record(4, 3_000);
    rates.record(3, 2_000);
    rates.record(2, 1_000);
    clock.advance(P_MS - 1);
    const before = log.count('preferred neighbors');
    clock.advance(1); // 1,234 + 5,000: the p tick counted from the first choice
    expect(log.count('preferred neighbors')).toBe(before + 1);
    expect(log.sentences.at(-1)).toBe('Peer 1 has the preferred neighbors 3,4.');
    expect(unchoked()).toEqual(expect.arrayContaining([3, 4]));
    expect(unchoked().length).toBeLessThanOrEqual(3);
  });

  test('the preferred set is logged only when it changes', () => {
    const { clock, controller, interested, log, rates } = setUp();
    controller.start();
    interested(2, 3);
    for (let tick = 0; tick < 4; tick++) {
      rates.record(2, 500);
      rates.record(3, 400);
      clock.advance(P_MS);
    }
    expect(log.matching('preferred neighbors')).toEqual(['Peer 1 has the preferred neighbors 2,3.']);
  });

  test('an optimistic neighbour every m seconds among the choked and interested; never more than k+1 unchoked', () => {
    const { clock, controller, interested, unchoked, log, rates } = setUp();
    controller.start();
    interested(2, 3, 4, 5, 6);
    const optimisticLines: string[] = [];
    for (let second = 1; second <= 60; second++) {
      rates.record(2, 100);
      rates.record(3, 90);
      clock.advance(1_000);
      expect(unchoked().length).toBeLessThanOrEqual(3);
      if (second % 15 === 0) optimisticLines.push(log.sentences.at(-1)!);
    }
    expect(log.count('optimistically unchoked neighbor')).toBeGreaterThanOrEqual(4);
    for (const line of log.matching('optimistically unchoked neighbor')) expect(line).toMatch(/neighbor [456]\.$/);
    expect(unchoked()).toEqual(expect.arrayContaining([2, 3]));
  });

  test('with the complete file, the preferred are picked at random among the interested', () => {
    const { clock, controller, interested, log, rates } = setUp({ complete: true, k: 1 });
    controller.start();
    interested(2, 3, 4, 5, 6);
    for (let tick = 0; tick < 30; tick++) {
      rates.record(2, 10_000); // ignored: a seeder has no download rate to go by
      clock.advance(P_MS);
    }
    const chosen = new Set(log.eventsOf('preferredNeighbors').map((e) => e.neighbours[0]));
    expect(chosen.size).toBeGreaterThanOrEqual(3);
  });

  test('stop() cancels both timers', () => {
    const { clock, controller, interested } = setUp();
    controller.start();
    interested(2);
    controller.stop();
    expect(clock.pendingTimers).toBe(0);
  });
});
