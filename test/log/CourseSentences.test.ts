import { writeCourseSentences } from '../../src/log/CourseSentences.js';
import { EventBus } from '../../src/node/EventBus.js';
import type { NodeEvents } from '../../src/node/NodeEvents.js';
import { RecordingProtocolLog } from '../support/RecordingProtocolLog.js';

function setUp() {
  const bus = new EventBus<NodeEvents>();
  const log = new RecordingProtocolLog(1002);
  writeCourseSentences(bus, log);
  return { bus, log };
}

describe("the course's sentences, one per engine event (protocol.md, Log)", () => {
  test('each event gives its sentence, in the order the events come', () => {
    const { bus, log } = setUp();
    bus.emit('connected', { peerId: 1001, direction: 'outbound' });
    bus.emit('connected', { peerId: 1003, direction: 'inbound' });
    bus.emit('chokeChanged', { peerId: 1001, way: 'received', choking: false });
    bus.emit('chokeChanged', { peerId: 1001, way: 'received', choking: true });
    bus.emit('interestReceived', { peerId: 1003, interested: true });
    bus.emit('interestReceived', { peerId: 1003, interested: false });
    bus.emit('haveReceived', { peerId: 1003, index: 7 });
    bus.emit('pieceDownloaded', { index: 7, from: 1001, bytes: 100, piecesHeld: 1 });
    bus.emit('downloadComplete', {});
    expect(log.sentences).toEqual([
      'Peer 1002 makes a connection to Peer 1001.',
      'Peer 1002 is connected from Peer 1003.',
      'Peer 1002 is unchoked by 1001.',
      'Peer 1002 is choked by 1001.',
      "Peer 1002 received the 'interested' message from 1003.",
      "Peer 1002 received the 'not interested' message from 1003.",
      "Peer 1002 received the 'have' message from 1003 for the piece 7.",
      'Peer 1002 has downloaded the piece 7 from 1001. Now the number of pieces it has is 1.',
      'Peer 1002 has downloaded the complete file.',
    ]);
  });

  test('a choke or unchoke we send is no sentence of ours (the neighbour logs it)', () => {
    const { bus, log } = setUp();
    bus.emit('chokeChanged', { peerId: 1001, way: 'sent', choking: false });
    expect(log.sentences).toEqual([]);
  });

  test('the preferred set is logged when it changes, never empty; the optimistic neighbour when one is chosen', () => {
    const { bus, log } = setUp();
    const chosen = (preferred: number[], optimistic?: number, optimisticChosen = false) => bus.emit('neighboursChosen', { preferred, optimistic, optimisticChosen });
    chosen([1001, 1003]);
    chosen([1001, 1003], 1004, true);
    chosen([1001, 1003], 1004);
    chosen([]);
    chosen([1001, 1003]);
    expect(log.sentences).toEqual([
      'Peer 1002 has the preferred neighbors 1001,1003.',
      'Peer 1002 has the optimistically unchoked neighbor 1004.',
      'Peer 1002 has the preferred neighbors 1001,1003.',
    ]);
  });

  test('a sentence comes before what reacts to its event (subscribed first)', () => {
    const { bus, log } = setUp();
    bus.on('pieceDownloaded', () => bus.emit('downloadComplete', {}));
    bus.emit('pieceDownloaded', { index: 0, from: 1001, bytes: 1, piecesHeld: 1 });
    expect(log.sentences).toEqual(['Peer 1002 has downloaded the piece 0 from 1001. Now the number of pieces it has is 1.', 'Peer 1002 has downloaded the complete file.']);
  });
});
