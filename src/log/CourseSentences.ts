import type { EventBus } from '../node/EventBus.js';
import type { NodeEvents } from '../node/NodeEvents.js';
import type { ProtocolLog } from './ProtocolLogger.js';

/**
 * The course's log (protocol.md, "Log"): one spec sentence per engine event,
 * written here and nowhere else, so the engine reports what happened and the
 * course's dialect decides what its log says. Subscribed before anything else
 * reacts to the same events: a reaction's own sentence (the complete file
 * after its last piece, the preferred set after an 'interested') comes after.
 */
export function writeCourseSentences(bus: EventBus<NodeEvents>, log: ProtocolLog): void {
  bus.on('connected', ({ peerId, direction }) => (direction === 'outbound' ? log.makesConnectionTo(peerId) : log.isConnectedFrom(peerId)));
  bus.on('chokeChanged', ({ peerId, way, choking }) => {
    if (way === 'sent') return;
    if (choking) log.chokedBy(peerId);
    else log.unchokedBy(peerId);
  });
  bus.on('interestReceived', ({ peerId, interested }) => (interested ? log.receivedInterested(peerId) : log.receivedNotInterested(peerId)));
  bus.on('haveReceived', ({ peerId, index }) => log.receivedHave(peerId, index));
  bus.on('pieceDownloaded', ({ index, from, piecesHeld }) => log.downloadedPiece(index, from, piecesHeld));
  bus.on('downloadComplete', () => log.downloadedCompleteFile());
  // Logged when the set changes; an empty set names nobody, so it is not a sentence of the spec.
  let lastPreferred = '';
  bus.on('neighboursChosen', ({ preferred, optimistic, optimisticChosen }) => {
    const chosen = preferred.join(',');
    if (preferred.length > 0 && chosen !== lastPreferred) log.preferredNeighbors(preferred);
    lastPreferred = chosen;
    if (optimisticChosen && optimistic !== undefined) log.optimisticallyUnchokedNeighbor(optimistic);
  });
}
