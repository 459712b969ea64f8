import { peerDialsOurs } from './peerDialsOurs.js';
import { PiecesGiven, seedPartTo } from './partialPeerScripts.js';
import { pieceBytes } from './ScenarioRun.js';
import { conformFile, pieceCountOf, SHAPE, type ScenarioOptions, type ScenarioOutcome } from './scenarios.js';

/** Our two sources answer each request after this: slow, so that the peer's requests to both are outstanding together. */
export const SLOW_SERVE_MS = 300;
/** 1001 chokes the peer this long after reading its first request, without answering it, and unchokes it p later. */
export const CUT = { chokeAfterMs: 100, chokedMs: SHAPE.unchokingSeconds * 1000 };
const SOURCES = [1001, 1002];

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
  const given = new PiecesGiven(pieceCount);
  const piece = (index: number) => pieceBytes({ file, pieceSize: SHAPE.pieceSize }, index);
  const ours = SOURCES.map((peerId) => ({ peerId, hasFile: true }));
  return peerDialsOurs('two-sources', options, file, ours, 1003, (stage, socket, which) => {
    const holdings = { bitfield: everyPiece, announced: [], serveDelayMs: SLOW_SERVE_MS, ...(which === 0 ? { cutFirstRequest: CUT } : {}) };
    return seedPartTo(stage.neighbour(socket, `source ${SOURCES[which]}`, SOURCES[which]), piece, pieceCount, holdings, given);
  });
}
