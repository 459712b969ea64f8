export {
  ChokingManager,
  type ChokeCandidate,
  type ChokeDecision,
  type ChokeSnapshot,
} from './ChokingManager';
export { RateTracker } from './RateTracker';
export { RequestManager, type PieceArrival } from './RequestManager';
export { chooseRandomMissingPiece, type PieceChooser } from './pieceChoice';
export { choosePreferred, type RatedPeer } from './preferredChoice';
