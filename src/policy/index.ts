export {
  ChokingManager,
  type ChokeCandidate,
  type ChokeDecision,
  type ChokeSnapshot,
} from './ChokingManager.js';
export { RateTracker } from './RateTracker.js';
export { RequestManager, type PieceArrival } from './RequestManager.js';
export { chooseRandomMissingPiece, type PieceChooser } from './pieceChoice.js';
export { choosePreferred, type RatedPeer } from './preferredChoice.js';
