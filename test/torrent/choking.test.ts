/**
 * Whom the torrent uploads to (bittorrent.md, "the reference algorithm"): 4
 * upload slots by the bytes each peer sent us in the last 10 s (a seed: the
 * bytes we sent it), re-chosen every 10 s; one optimistic unchoke among the
 * others, rotated every 30 s; choke and unchoke only on change; never an
 * uninterested peer; a freed slot refilled at once. Raw peers over an
 * in-memory transport; time is the torrent's ManualClock.
 */
import { OPTIMISTIC_INTERVAL_MS, RECHOKE_INTERVAL_MS } from '../../src/torrent/BtChoker.js';
import type { BtMessage } from '../../src/wire/bt/index.js';
import type { RawBtPeer } from '../support/RawBtPeer.js';
import { RIG_BLOCK, TorrentRig, isUnchoked } from './torrentRig.js';

let rig: TorrentRig;
afterEach(() => rig?.stop());

/** Peers that connect in this order, each sending `opening`. */
async function openAll(count: number, opening: BtMessage[], first = 1): Promise<RawBtPeer[]> {
  const peers: RawBtPeer[] = [];
  for (let n = first; n < first + count; n++) {
    const peer = await rig.open(`P${n}`, { opening });
    await rig.sync(peer);
    peers.push(peer);
  }
  await rig.settle();
  return peers;
}

const labels = (peers: RawBtPeer[]) => peers.map((peer) => peer.label);
const unchoked = (peers: RawBtPeer[]) => labels(peers.filter(isUnchoked));

/** Choke and unchoke messages, in order: never the same twice in a row, never a first choke (connections start choked). */
function expectOnlyChanges(peers: RawBtPeer[]): void {
  for (const peer of peers) {
    const kinds = peer.messages.filter((m) => m.kind === 'choke' || m.kind === 'unchoke').map((m) => m.kind);
    const repeats = kinds.filter((kind, i) => (i === 0 ? kind === 'choke' : kind === kinds[i - 1]));
    expect({ peer: peer.label, repeats }).toEqual({ peer: peer.label, repeats: [] });
  }
}

/** Messages each peer received since `marks` (from marksOf). */
const marksOf = (peers: RawBtPeer[]) => peers.map((peer) => peer.messages.length);
function chokesSince(peers: RawBtPeer[], marks: number[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  peers.forEach((peer, i) => {
    const kinds = peer.messages.slice(marks[i]).filter((m) => m.kind === 'choke' || m.kind === 'unchoke').map((m) => m.kind);
    if (kinds.length > 0) out[peer.label] = kinds;
  });
  return out;
}

/** `peer` sends us `blocks` blocks, answering the torrent's requests one by one (it asks for more as each arrives). */
async function uploadToUs(peer: RawBtPeer, blocks: number): Promise<void> {
  for (let i = 0; i < blocks; i++) {
    await peer.until(() => rig.unanswered(peer) > 0, 'a request to answer');
    rig.serve(peer, 1);
  }
  await rig.sync(peer);
}

/** `peer` downloads `blocks` more blocks from us (a seed). */
async function downloadFromUs(peer: RawBtPeer, blocks: number): Promise<void> {
  const before = peer.received('piece').length;
  for (let i = before; i < before + blocks; i++) peer.send({ kind: 'request', index: i % rig.pieceCount, begin: 0, length: RIG_BLOCK });
  await peer.until(() => peer.received('piece').length === before + blocks, `${blocks} blocks`);
  await rig.sync(peer);
}

describe('a leecher: 4 slots by what each peer sent us in the last 10 s, and one optimistic unchoke', () => {
  test('6 interested peers: the first 4 and an optimistic one at once; every 10 s the 4 that sent the most, the optimistic one kept outside them', async () => {
    rig = new TorrentRig({ pieceCount: 40 });
    const [p1, p2, p3, p4, p5, p6] = await openAll(6, [{ kind: 'have-all' }, { kind: 'interested' }, { kind: 'unchoke' }]);
    const [idle] = await openAll(1, [{ kind: 'have-all' }, { kind: 'unchoke' }], 7); // never interested
    const everyone = [p1, p2, p3, p4, p5, p6, idle];
    expect(unchoked(everyone)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']); // slots filled as interest came; P5 optimistic

    // The first 10 s: P6 sent the most, then P5 (the optimistic one), P4, P3; P1 and P2 nothing.
    for (const [peer, blocks] of [[p6, 4], [p5, 3], [p4, 2], [p3, 1]] as const) await uploadToUs(peer, blocks);
    let marks = marksOf(everyone);
    rig.clock.advance(RECHOKE_INTERVAL_MS);
    await rig.settle();
    const firstChokes = chokesSince(everyone, marks);
    // P6 gets a slot; P5 keeps its unchoke as one of the 4; P1 or P2 is the new optimistic unchoke, the other is choked.
    expect(Object.keys(firstChokes).sort()).toEqual(['P6', firstChokes.P1 ? 'P1' : 'P2'].sort());
    expect(firstChokes.P6).toEqual(['unchoke']);
    expect(firstChokes.P1 ?? firstChokes.P2).toEqual(['choke']);
    expect(unchoked([p3, p4, p5, p6])).toEqual(['P3', 'P4', 'P5', 'P6']);
    expect(unchoked(everyone)).toHaveLength(5);

    // The next 10 s count alone: P2 sent the most, then P4, P3, P1; P5 and P6, ahead before, nothing now.
    for (const [peer, blocks] of [[p2, 5], [p4, 3], [p3, 2], [p1, 1]] as const) await uploadToUs(peer, blocks);
    marks = marksOf(everyone);
    rig.clock.advance(RECHOKE_INTERVAL_MS);
    await rig.settle();
    expect(unchoked([p1, p2, p3, p4])).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(unchoked([p5, p6])).toHaveLength(1); // one of them stays as the optimistic unchoke
    expect(chokesSince([p3, p4], marks.slice(2, 4))).toEqual({}); // kept their slots: nothing said
    expect(isUnchoked(idle)).toBe(false);
    expect(idle.messages.filter((m) => m.kind === 'choke' || m.kind === 'unchoke')).toEqual([]);
    expectOnlyChanges(everyone);
  });
});

describe('a seed: ranked by what we sent them', () => {
  test('the 4 peers we sent the most in the last 10 s take the slots, whatever they sent us (nothing)', async () => {
    rig = new TorrentRig({ held: 'all' });
    const peers = await openAll(8, [{ kind: 'interested' }]);
    const [p1, p2, p3, , p5] = peers;
    expect(unchoked(peers)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
    for (const [peer, blocks] of [[p5, 4], [p1, 3], [p2, 2], [p3, 1]] as const) await downloadFromUs(peer, blocks);
    rig.clock.advance(RECHOKE_INTERVAL_MS);
    await rig.settle();
    expect(unchoked([p1, p2, p3, p5])).toEqual(['P1', 'P2', 'P3', 'P5']);
    expect(unchoked(peers)).toHaveLength(5); // and one optimistic unchoke among P4, P6, P7, P8
    expectOnlyChanges(peers);
  });
});

describe('the optimistic unchoke', () => {
  test('rotates every 30 s among the choked interested peers; the rechokes between send nothing when nothing changed', async () => {
    rig = new TorrentRig({ held: 'all' });
    const peers = await openAll(6, [{ kind: 'interested' }]);
    const [idle] = await openAll(1, [], 7);
    const [p1, p2, p3, p4] = peers;
    const keepSlots = async () => {
      for (const peer of [p1, p2, p3, p4]) await downloadFromUs(peer, 1);
    };
    const everyone = [...peers, idle];
    const history: Record<string, string[]>[] = [];
    for (let elapsedMs = RECHOKE_INTERVAL_MS; elapsedMs <= 2 * OPTIMISTIC_INTERVAL_MS; elapsedMs += RECHOKE_INTERVAL_MS) {
      await keepSlots();
      const marks = marksOf(everyone);
      rig.clock.advance(RECHOKE_INTERVAL_MS);
      await rig.settle();
      history.push(chokesSince(everyone, marks));
    }
    expect(history).toEqual([
      {}, // 10 s
      {}, // 20 s
      { P5: ['choke'], P6: ['unchoke'] }, // 30 s: P6's turn
      {},
      {},
      { P5: ['unchoke'], P6: ['choke'] }, // 60 s: P5's turn again
    ]);
    expect(unchoked(everyone)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);
    expectOnlyChanges(everyone);
  });
});

describe('a freed slot', () => {
  test('is refilled at once when a peer loses interest or leaves, never by an uninterested peer', async () => {
    rig = new TorrentRig({ held: 'all', pieceCount: 4 });
    const peers = await openAll(7, [{ kind: 'interested' }]);
    const [idle] = await openAll(1, [], 8);
    const [p1, p2, p3, , , p6, p7] = peers;
    expect(unchoked(peers)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']);

    p2.send({ kind: 'not-interested' });
    await rig.sync(p2);
    await rig.settle();
    expect(isUnchoked(p2)).toBe(false);
    expect(unchoked([p6, p7])).toHaveLength(1);

    p3.destroy();
    await rig.ended(p3);
    await rig.settle();
    expect(unchoked([p1, ...peers.slice(3)])).toEqual(['P1', 'P4', 'P5', 'P6', 'P7']);
    expect(isUnchoked(idle)).toBe(false);
    expectOnlyChanges([...peers, idle]);
  });

  test('the optimistic unchoke too: a peer that loses interest is choked, and another takes its place at once', async () => {
    rig = new TorrentRig({ held: 'all', pieceCount: 4 });
    const peers = await openAll(7, [{ kind: 'interested' }]);
    const [, , , , p5, p6, p7] = peers;
    expect(unchoked(peers)).toEqual(['P1', 'P2', 'P3', 'P4', 'P5']); // P5 the optimistic one

    p5.send({ kind: 'not-interested' });
    await rig.sync(p5);
    await rig.settle();
    expect(isUnchoked(p5)).toBe(false);
    expect(unchoked([p6, p7])).toHaveLength(1);
    expectOnlyChanges(peers);
  });
});
