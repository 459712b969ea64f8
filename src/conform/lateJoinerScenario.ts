import * as net from 'net';
import { freePorts } from '../net/freePorts.js';
import { holdWholeFile, PiecesGiven, seedPartTo, type PartialHoldings } from './partialPeerScripts.js';
import { pieceBytes, type ListenerRecord } from './ScenarioRun.js';
import { conformFile, LOOPBACK, pieceCountOf, runScenario, script, SHAPE, type ScenarioOptions, type ScenarioOutcome } from './scenarios.js';
import type { ListedPeer } from './workDir.js';

/**
 * Our peers listed before the peer, which it must dial: 1001 with a bitfield of pieces 0-6; 1002
 * with no bitfield, announcing pieces 3-9 one have at a time (7-9 only it has).
 */
const EARLIER: readonly { peerId: number; holdings: PartialHoldings }[] = [
  { peerId: 1001, holdings: { bitfield: [0, 1, 2, 3, 4, 5, 6], announced: [] } },
  { peerId: 1002, holdings: { announced: [3, 4, 5, 6, 7, 8, 9] } },
];
const PEER_ID = 1003;
/** Listed after the peer with the whole file: it dials the peer, and must never be dialled. */
const LATER_ID = 1004;

/** (c) The peer (1003, hasFile 0) as a late joiner: it dials our two earlier partial peers; our later complete peer dials it. */
export async function lateJoinerScenario(options: ScenarioOptions): Promise<ScenarioOutcome> {
  const file = conformFile();
  const pieceCount = pieceCountOf(file);
  const listening = [...EARLIER.map((p) => p.peerId), LATER_ID].map((peerId) => listenAs(peerId, peerId !== LATER_ID));
  await Promise.all(listening.map((l) => l.ready));
  const [peerPort] = await freePorts(1);
  const peers: ListedPeer[] = [
    ...EARLIER.map(({ peerId }, i) => ({ peerId, port: listening[i].port(), hasFile: false })),
    { peerId: PEER_ID, port: peerPort, hasFile: false },
    { peerId: LATER_ID, port: listening[EARLIER.length].port(), hasFile: true },
  ];
  const given = new PiecesGiven(pieceCount);
  const piece = (index: number) => pieceBytes({ file, pieceSize: SHAPE.pieceSize }, index);
  try {
    return await runScenario(
      'late-joiner',
      options,
      file,
      peers,
      PEER_ID,
      async (stage) => {
        const earlier = EARLIER.map(async ({ peerId, holdings }, i) => {
          const socket = await stage.waitFor(() => listening[i].sockets[0]);
          if (!socket) return undefined;
          return script(() => seedPartTo(stage.neighbour(socket, `earlier ${peerId}`, peerId), piece, pieceCount, holdings, given));
        });
        const later = (async () => {
          const socket = await stage.dial(peerPort);
          if (!socket) return undefined;
          return script(() => holdWholeFile(stage.neighbour(socket, `later ${LATER_ID}`, LATER_ID), pieceCount, given));
        })();
        return Promise.all([...earlier, later]);
      },
      () => ({ listeners: listening.map((l) => l.record) }),
    );
  } finally {
    for (const l of listening) l.close();
  }
}

/** A listener of ours in PeerInfo.cfg: it keeps the first connection for the script, and counts every one. */
export function listenAs(peerId: number, listedBefore: boolean) {
  const record: ListenerRecord = { peerId, listedBefore, accepted: 0 };
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    record.accepted++;
    // Only a peer listed before is ours to talk to on a dialled connection; a second one is only counted.
    if (listedBefore && sockets.length === 0) sockets.push(socket);
    else socket.destroy();
  });
  const ready = new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  return { record, sockets, ready, port: () => (server.address() as net.AddressInfo).port, close: () => server.close() };
}
