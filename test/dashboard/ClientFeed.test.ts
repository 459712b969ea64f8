import { ClientFeed } from '../../src/dashboard/ClientFeed.js';
import type { ServerMessage } from '../../src/dashboard/messages.js';
import type { PeerStatus } from '../../src/node/PeerStatus.js';
import { FakeSwarm } from './FakeSwarm.js';

/** A socket that records what is sent, with a backlog the test sets. */
class RecordingSocket {
  bufferedAmount = 0;
  readonly sent: ServerMessage[] = [];
  send(text: string): void {
    this.sent.push(JSON.parse(text) as ServerMessage);
  }
}

const swarm = new FakeSwarm([1001, 1002, 1003], 10);
swarm.startAll();
/** A peer's status, with a piece count that tells one from the next. */
function status(peerId: number, piecesHeld: number): PeerStatus {
  return { ...swarm.statusOf(peerId)!, piecesHeld };
}

const limits = { maxLogLines: 3, maxBufferedBytes: 1000 };

describe('ClientFeed: what one page is sent on each beat', () => {
  test("a peer's statuses between two beats go out as its latest only, beside other peers'", () => {
    const socket = new RecordingSocket();
    const feed = new ClientFeed(socket, limits);
    for (let held = 1; held <= 5; held++) feed.status(status(1002, held));
    feed.status(status(1003, 9));
    feed.flush();
    expect(socket.sent).toEqual([{ type: 'status', statuses: [status(1002, 5), status(1003, 9)] }]);
    feed.flush();
    expect(socket.sent).toHaveLength(1); // nothing new, nothing sent
  });

  test('log lines beyond the cap are dropped oldest first and counted with the peer’s own drops', () => {
    const socket = new RecordingSocket();
    const feed = new ClientFeed(socket, limits);
    feed.logLines(1002, ['a', 'b'], 0);
    feed.logLines(1003, ['c', 'd', 'e'], 4);
    feed.flush();
    expect(socket.sent).toEqual([
      {
        type: 'log',
        entries: [
          { peerId: 1003, line: 'c' },
          { peerId: 1003, line: 'd' },
          { peerId: 1003, line: 'e' },
        ],
        dropped: 6,
      },
    ]);
  });

  test('lifecycle changes go out in order, before the statuses of the same beat', () => {
    const socket = new RecordingSocket();
    const feed = new ClientFeed(socket, limits);
    feed.status(status(1002, 1));
    feed.lifecycle({ type: 'lifecycle', peerId: 1002, state: 'killed', detail: 'SIGKILL' });
    feed.lifecycle({ type: 'lifecycle', peerId: 1002, state: 'running', detail: 'again' });
    feed.flush();
    expect(socket.sent.map((m) => (m.type === 'lifecycle' ? m.state : m.type))).toEqual(['killed', 'running', 'status']);
  });

  test("the run's end goes out once, after the last statuses and log lines of its beat", () => {
    const socket = new RecordingSocket();
    const feed = new ClientFeed(socket, limits);
    feed.lifecycle({ type: 'lifecycle', peerId: 1002, state: 'exited', detail: 'exit 0' });
    feed.ended({ allFinished: true, summary: 'all 3 peers finished' });
    feed.logLines(1002, ['last'], 0);
    feed.status(status(1002, 10));
    feed.flush();
    feed.flush();
    expect(socket.sent.map((m) => m.type)).toEqual(['lifecycle', 'status', 'log', 'ended']);
    expect(socket.sent.at(-1)).toEqual({ type: 'ended', allFinished: true, summary: 'all 3 peers finished' });
  });

  test('a page that does not drain gets nothing more; when it drains it gets the coalesced state, not a backlog', () => {
    const socket = new RecordingSocket();
    const feed = new ClientFeed(socket, limits);
    socket.bufferedAmount = 5000;
    for (let held = 1; held <= 100; held++) {
      feed.status(status(1002, held));
      feed.logLines(1002, [`line ${held}`], 0);
      expect(feed.flush()).toBe(false);
    }
    feed.reply({ type: 'result', id: 1, ok: true });
    expect(socket.sent).toEqual([]);

    socket.bufferedAmount = 0;
    expect(feed.flush()).toBe(true);
    expect(socket.sent).toEqual([
      { type: 'status', statuses: [status(1002, 100)] },
      { type: 'log', entries: ['line 98', 'line 99', 'line 100'].map((line) => ({ peerId: 1002, line })), dropped: 97 },
    ]);
  });
});
