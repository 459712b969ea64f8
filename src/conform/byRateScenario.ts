import { peerDialsOurs } from './peerDialsOurs.js';
import { PiecesGiven, seedPartTo, wantSilently } from './partialPeerScripts.js';
import { pieceBytes } from './ScenarioRun.js';
import { conformFile, pieceCountOf, SHAPE, type ScenarioOptions, type ScenarioOutcome } from './scenarios.js';

/** 60 pieces: fed at our pace, the download lasts several of the peer's choice rounds (p = 1 s, m = 2 s). */
const FILE_SIZE = 60 * 1024;
/** Our two feeding neighbours answer each request after this: a steady rate, the same for both. */
export const FEED_PACE_MS = 200;
const PEER_ID = 1005;

/**
 * (d) The peer (1005, hasFile 0, listed last) among four neighbours of ours it dials, all interested in
 * it once it has pieces: 1001 and 1002 feed it (the even and the odd pieces) at a steady rate, 1003 and
 * 1004 have nothing and never unchoke it. By rate, 1001 and 1002 are its preferred neighbours; the
 * optimistic unchoke goes to 1003 or 1004, the only choked and interested ones.
 */
export async function byRateScenario(options: ScenarioOptions): Promise<ScenarioOutcome> {
  const file = conformFile(FILE_SIZE);
  const pieceCount = pieceCountOf(file);
  const indices = [...Array(pieceCount).keys()];
  const feeders = [0, 1].map((parity) => indices.filter((i) => i % 2 === parity));
  const ours = [1001, 1002, 1003, 1004].map((peerId) => ({ peerId, hasFile: false }));
  const given = new PiecesGiven(pieceCount);
  const piece = (index: number) => pieceBytes({ file, pieceSize: SHAPE.pieceSize }, index);
  return peerDialsOurs('by-rate', options, file, ours, PEER_ID, (stage, socket, which) => {
    const { peerId } = ours[which];
    const feeds = feeders[which];
    const neighbour = stage.neighbour(socket, feeds ? `feeder ${peerId}` : `empty ${peerId}`, peerId);
    return feeds ? seedPartTo(neighbour, piece, pieceCount, { bitfield: feeds, announced: [], serveDelayMs: FEED_PACE_MS }, given) : wantSilently(neighbour, pieceCount, given);
  });
}
