import { jest } from '@jest/globals';
import type { DaemonEvent, TorrentDetail, TorrentSummary } from '../../src/daemon/api/contract.js';
import { ApiError } from '../../src/daemon/api/ApiClient.js';
import { TopSession, type Sleep, type TopClient } from '../../src/top/session.js';
import { summary } from './fixtures.js';

const a = summary({ id: 'a', name: 'alpha' });
const b = summary({ id: 'b', name: 'bravo' });
const peer = { address: '127.0.0.1:6881', client: 'aria2', flags: 'IE', direction: 'outbound', downloadRate: 1, uploadRate: 2, progress: 1 } as const;
const file = { index: 0, path: 'alpha.bin', sizeBytes: 10, doneBytes: 5, priority: 'normal' } as const;

/** Lets promise callbacks and the session's loops run up to their next wait. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** A client whose event stream the test drives, and a sleep the test ends by hand. */
function harness() {
  let emit: (event: DaemonEvent) => void = () => {};
  let endStream: (error?: Error) => void = () => {};
  const wakers: (() => void)[] = [];
  const client = {
    events: jest.fn(
      (onEvent: (event: DaemonEvent) => void) =>
        new Promise<void>((resolve, reject) => {
          emit = onEvent;
          endStream = (error) => (error ? reject(error) : resolve());
        }),
    ),
    list: jest.fn(async (): Promise<TorrentSummary[]> => [a, b]),
    peers: jest.fn(async () => [peer]),
    get: jest.fn(async (id: string) => ({ ...a, id, files: [file] }) as unknown as TorrentDetail),
    act: jest.fn(async () => a),
    remove: jest.fn(async () => {}),
  };
  const sleep: Sleep = (_ms, signal) =>
    new Promise((resolve) => {
      wakers.push(resolve);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  const session = new TopSession(client as unknown as TopClient, [a, b], sleep);
  const wakeAll = () => wakers.splice(0).forEach((wake) => wake());
  return { client, session, emit: (event: DaemonEvent) => emit(event), endStream: (error?: Error) => endStream(error), wakeAll };
}

describe('the torrent list', () => {
  test('follows the event stream', async () => {
    const { session, emit } = harness();
    session.start();
    await settle();
    emit({ type: 'torrents', torrents: [b] });
    expect(session.state.torrents).toEqual([b]);
    expect(session.state.connection).toBe('live');
    session.close();
  });

  test('polls list() once a second while the stream fails, and tries the stream again each time', async () => {
    const { client, session, endStream, wakeAll } = harness();
    client.list.mockResolvedValue([b]);
    session.start();
    await settle();
    endStream(new ApiError(0, 'gone'));
    await settle();
    expect(session.state).toMatchObject({ torrents: [b], connection: 'polling' });
    expect(client.events).toHaveBeenCalledTimes(1);
    wakeAll();
    await settle();
    expect(client.events).toHaveBeenCalledTimes(2);
    session.close();
  });

  test('says it is reconnecting while the daemon does not answer, and is live again when the stream comes back', async () => {
    const { client, session, endStream, wakeAll, emit } = harness();
    client.list.mockRejectedValue(new ApiError(0, 'cannot reach the daemon'));
    session.start();
    await settle();
    endStream(new ApiError(0, 'cannot reach the daemon'));
    await settle();
    expect(session.state.connection).toBe('reconnecting');
    expect(session.state.torrents).toEqual([a, b]);
    wakeAll();
    await settle();
    emit({ type: 'torrents', torrents: [a] });
    expect(session.state.connection).toBe('live');
    session.close();
  });
});

describe("the selected torrent's detail", () => {
  test("fetches the peers of the selected torrent, and at once another's when the selection moves", async () => {
    const { client, session } = harness();
    session.start();
    await settle();
    expect(client.peers).toHaveBeenLastCalledWith('a');
    expect(session.state.detail).toEqual({ id: 'a', peers: [peer] });
    session.press('Down');
    await settle();
    expect(client.peers).toHaveBeenLastCalledWith('b');
    expect(session.state.detail).toEqual({ id: 'b', peers: [peer] });
    session.close();
  });

  test('fetches the files with get() in the files pane, and again a second later', async () => {
    const { client, session, wakeAll } = harness();
    session.start();
    await settle();
    session.press('Tab');
    await settle();
    expect(client.get).toHaveBeenCalledTimes(1);
    expect(session.state.detail).toEqual({ id: 'a', peers: [peer], files: [file] });
    wakeAll();
    await settle();
    expect(client.get).toHaveBeenCalledTimes(2);
    session.close();
  });
});

describe('commands', () => {
  test('p pauses the selected torrent, and the status line says so', async () => {
    const { client, session } = harness();
    expect(session.press('p')).toBe(false);
    await settle();
    expect(client.act).toHaveBeenCalledWith('a', 'pause');
    expect(session.state.message).toEqual({ text: 'paused alpha', error: false });
  });

  test("the daemon's refusal shows as an error", async () => {
    const { client, session } = harness();
    client.act.mockRejectedValue(new ApiError(409, 'alpha is checking'));
    session.press('r');
    await settle();
    expect(session.state.message).toEqual({ text: 'resume alpha failed: alpha is checking', error: true });
  });

  test('D then y removes the torrent with its data', async () => {
    const { client, session } = harness();
    session.press('D');
    session.press('y');
    await settle();
    expect(client.remove).toHaveBeenCalledWith('a', true);
    expect(session.state.message?.text).toBe('removed alpha and deleted its data');
  });

  test('q asks to quit; listeners hear every change until they unsubscribe', () => {
    const { session } = harness();
    const heard = jest.fn();
    const unsubscribe = session.subscribe(heard);
    session.press('Down');
    unsubscribe();
    session.press('Up');
    expect(heard).toHaveBeenCalledTimes(1);
    expect(session.press('q')).toBe(true);
  });
});
