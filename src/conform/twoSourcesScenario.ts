import { freePorts } from '../net/freePorts.js';
import { listenAs } from './lateJoinerScenario.js';
import { PiecesGiven, seedPartTo } from './partialPeerScripts.js';
import { pieceBytes } from './ScenarioRun.js';
import { conformFile, pieceCountOf, runScenario, script, SHAPE, type ScenarioOptions, type ScenarioOutcome } from './scenarios.js';
import type { ListedPeer } from './workDir.js';

/** Our two sources answer each request after this: slow, so that the peer's requests to both are outstanding together. */
export const SLOW_SERVE_MS = 300;
/** 1001 chokes the peer this long after reading its first request, without answering it, and unchokes it p later. */
export const CUT = { chokeAfterMs: 100, chokedMs: SHAPE.unchokingSeconds * 1000 };
const PEER_ID = 1003;

/**
 * (e) The peer (1003, hasFile 0, listed last) dials our 1001 and 1002, both with the whole file, both
 * unchoking it at once and serving slowly: it waits for pieces from both at the same time, and must not
 * ask both for one piece. 1001 chokes it once right after its first request, without the piece, and
 * unchokes it a p later: the peer must ask that piece again (of either).
 */
export async function twoSourcesScenario(options: ScenarioOptions): Promise<ScenarioOutcome> {
  const file = conformFile();
  const pieceCount = pieceCountOf(file);
  const everyPiece = [...Array(pieceCount).keys()];
  const ours = [1001, 1002];
  const listening = ours.map((peerId) => listenAs(peerId, true));
  await Promise.all(listening.map((l) => l.ready));
  const [peerPort] = await freePorts(1);
  const peers: ListedPeer[] = [...ours.map((peerId, i) => ({ peerId, port: listening[i].port(), hasFile: true })), { peerId: PEER_ID, port: peerPort, hasFile: false }];
  const given = new PiecesGiven(pieceCount);
  const piece = (index: number) => pieceBytes({ file, pieceSize: SHAPE.pieceSize }, index);
  try {
    return await runScenario(
      'two-sources',
      options,
      file,
      peers,
      PEER_ID,
      async (stage) =>
        Promise.all(
          ours.map(async (peerId, i) => {
            const socket = await stage.waitFor(() => listening[i].sockets[0]);
            if (!socket) return undefined;
            const holdings = { bitfield: everyPiece, announced: [], serveDelayMs: SLOW_SERVE_MS, ...(i === 0 ? { cutFirstRequest: CUT } : {}) };
            return script(() => seedPartTo(stage.neighbour(socket, `source ${peerId}`, peerId), piece, pieceCount, holdings, given));
          }),
        ),
      () => ({ listeners: listening.map((l) => l.record) }),
    );
  } finally {
    for (const l of listening) l.close();
  }
}
