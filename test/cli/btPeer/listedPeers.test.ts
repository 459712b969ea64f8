/**
 * How a launcher's BitTorrent peer knows who is who (its peer id carries its
 * PeerInfo.cfg ID, as the course's handshake does), when its run is over
 * (ListedSwarm: every listed peer complete) and whom it dials
 * (ListedPeerSource: PeerInfo.cfg's other peers, again every 10 s).
 */
import { seededRandom } from '../../../src/common/Random.js';
import type { PeerInfo } from '../../../src/config/PeerInfo.js';
import { ListedPeerSource, RELIST_MS } from '../../../src/cli/btPeer/ListedPeerSource.js';
import { listedIdOf, listedPeerId } from '../../../src/cli/btPeer/listedPeerId.js';
import { ListedSwarm } from '../../../src/cli/btPeer/ListedSwarm.js';
import type { DiscoveredPeer } from '../../../src/swarm/PeerSource.js';
import { makePeerId } from '../../../src/wire/bt/PeerId.js';
import { clientName } from '../../../src/wire/bt/clientName.js';
import { ManualClock } from '../../support/ManualClock.js';

const peer = (peerId: number, port: number, hasFile = false, host = '127.0.0.1'): PeerInfo => ({ peerId, host, port, hasFile, line: peerId % 100 });
const PEERS = [peer(6001, 7601, true), peer(6002, 7602), peer(6003, 7603, false, 'localhost')];

describe('listedPeerId: the PeerInfo.cfg ID in a swarmlab peer id', () => {
  test('swarmlab prefix, the ID in 10 digits, 2 random bytes; read back; other clients still see swarmlab', () => {
    const random = seededRandom(7);
    const id = listedPeerId(6002, random, '0100');
    expect(id).toHaveLength(20);
    expect(id.toString('latin1', 0, 18)).toBe('-SL0100-0000006002');
    expect(listedIdOf(id)).toBe(6002);
    expect(clientName(id)).toBe('swarmlab/0.1.0');
    expect(listedIdOf(listedPeerId(0, random, '0100'))).toBe(0);
    expect(listedIdOf(listedPeerId(0xffffffff, random, '0100'))).toBe(0xffffffff);
  });

  test('a restarted peer gets another peer id with the same ID (its old connection is not a duplicate)', () => {
    const random = seededRandom(7);
    const [first, second] = [listedPeerId(6002, random, '0100'), listedPeerId(6002, random, '0100')];
    expect(first.equals(second)).toBe(false);
    expect([listedIdOf(first), listedIdOf(second)]).toEqual([6002, 6002]);
  });

  test('peer ids that carry no listed ID: random swarmlab ones, other clients, digits past 2^32 - 1', () => {
    expect(listedIdOf(Buffer.from('-qB4520-000000006002'))).toBeUndefined();
    expect(listedIdOf(Buffer.from('-SL0100-00000060x2ab'))).toBeUndefined();
    expect(listedIdOf(Buffer.from('-SL0100-9999999999ab'))).toBeUndefined();
    const random = makePeerId(seededRandom(1), '0100');
    expect(listedIdOf(random)).toBeUndefined();
  });
});

describe('ListedSwarm: over once we and every other listed peer are complete', () => {
  test('seen complete once is complete; unknown and unlisted peers change nothing', () => {
    const swarm = new ListedSwarm(PEERS[0], PEERS);
    expect(swarm.isFinished(true)).toBe(false);
    expect(swarm.sawHoldings(6002, false)).toBe(false);
    expect(swarm.sawHoldings(6002, true)).toBe(true); // the first sign
    expect(swarm.sawHoldings(6002, true)).toBe(false);
    expect(swarm.sawHoldings(6001, true)).toBe(false); // ourselves
    expect(swarm.sawHoldings(4242, true)).toBe(false); // not listed
    expect(swarm.waitingFor.map((p) => p.peerId)).toEqual([6003]);
    expect([swarm.knownComplete, swarm.otherCount]).toEqual([1, 2]);
    swarm.sawHoldings(6003, true);
    expect(swarm.isFinished(false)).toBe(false); // we are not
    expect(swarm.isFinished(true)).toBe(true);
    expect(swarm.isListed(6003)).toBe(true);
    expect(swarm.isListed(6001)).toBe(false);
  });
});

describe('ListedPeerSource: the static list beside the tracker', () => {
  test('reports the wanted peers at the start and every 10 s until stopped; localhost is dialled at 127.0.0.1', async () => {
    const clock = new ManualClock();
    let wanted = PEERS.slice(1);
    const source = new ListedPeerSource({ wanted: () => wanted, clock });
    const reports: DiscoveredPeer[][] = [];
    source.start((found) => reports.push([...found]));
    expect(reports).toEqual([
      [
        { host: '127.0.0.1', port: 7602, source: 'static' },
        { host: '127.0.0.1', port: 7603, source: 'static' },
      ],
    ]);
    wanted = [PEERS[2]];
    clock.advance(RELIST_MS);
    expect(reports.at(-1)).toEqual([{ host: '127.0.0.1', port: 7603, source: 'static' }]);
    await source.stop();
    clock.advance(5 * RELIST_MS);
    expect(reports).toHaveLength(2);
    expect(source.kind).toBe('static');
  });
});
