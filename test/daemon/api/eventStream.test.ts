import { followEvents, eventText, KEEP_ALIVE_INTERVAL_MS, type EventSink } from '../../../src/daemon/api/eventStream.js';
import { ALPHA, BETA, FakeDaemon } from '../../support/fakeDaemon.js';
import { ManualClock } from '../../support/ManualClock.js';

/** Records what is written; `writableLength` is what the test says the client has not taken yet. */
class RecordingSink implements EventSink {
  readonly written: string[] = [];
  writableLength = 0;
  private drainListeners: (() => void)[] = [];

  write(chunk: string): boolean {
    this.written.push(chunk);
    return true;
  }

  once(_event: 'drain', listener: () => void): this {
    this.drainListeners.push(listener);
    return this;
  }

  drain(): void {
    this.writableLength = 0;
    const listeners = this.drainListeners;
    this.drainListeners = [];
    for (const listener of listeners) listener();
  }

  take(): string[] {
    return this.written.splice(0);
  }
}

const LIST = eventText('torrents', { torrents: [ALPHA, BETA] });
let daemon: FakeDaemon;
let clock: ManualClock;
let sink: RecordingSink;
let stop: () => void;
beforeEach(() => {
  daemon = new FakeDaemon();
  clock = new ManualClock(1_000_000);
  sink = new RecordingSink();
  stop = followEvents(sink, daemon, clock, 4096);
});
afterEach(() => stop());

test('an event is its name, its JSON data on one line, and a blank line', () => {
  expect(eventText('removed', { id: 'ab' })).toBe('event: removed\ndata: {"id":"ab"}\n\n');
  expect(eventText('torrents', { torrents: [BETA] })).toContain('"name":"beta \\"quoted\\"\\nname"');
});

test('the whole list at once', () => {
  expect(sink.take()).toEqual([LIST]);
});

test('changes within a second make one event at the end of that second, with the list as it is then', () => {
  sink.take();
  daemon.changed();
  clock.advance(300);
  daemon.changed();
  daemon.torrents = [ALPHA];
  daemon.changed();
  expect(sink.take()).toEqual([]);
  clock.advance(699);
  expect(sink.take()).toEqual([]);
  clock.advance(1);
  expect(sink.take()).toEqual([eventText('torrents', { torrents: [ALPHA] })]);
  clock.advance(5000);
  expect(sink.take()).toEqual([]);
});

test('a change after a quiet second is sent at once', () => {
  sink.take();
  clock.advance(2500);
  daemon.changed();
  expect(sink.take()).toEqual([LIST]);
  daemon.changed();
  clock.advance(999);
  expect(sink.take()).toEqual([]);
  clock.advance(1);
  expect(sink.take()).toEqual([LIST]);
});

test('a removal is sent as it happens, between list events', () => {
  sink.take();
  daemon.changed();
  daemon.removed(BETA.id);
  expect(sink.take()).toEqual([`event: removed\ndata: {"id":"${BETA.id}"}\n\n`]);
});

test('a keep-alive comment every 15 s', () => {
  sink.take();
  clock.advance(KEEP_ALIVE_INTERVAL_MS - 1);
  expect(sink.take()).toEqual([]);
  clock.advance(1);
  expect(sink.take()).toEqual([': keep-alive\n\n']);
  clock.advance(KEEP_ALIVE_INTERVAL_MS);
  expect(sink.take()).toEqual([': keep-alive\n\n']);
});

test('a client that does not read is not written to past the cap; once it catches up, it gets the list again', () => {
  sink.take();
  sink.writableLength = 4097;
  for (let second = 0; second < 10; second++) {
    daemon.changed();
    daemon.removed(ALPHA.id);
    clock.advance(1000);
  }
  clock.advance(KEEP_ALIVE_INTERVAL_MS);
  expect(sink.take()).toEqual([]);
  daemon.torrents = [BETA];
  sink.drain();
  expect(sink.take()).toEqual([eventText('torrents', { torrents: [BETA] })]);
});

test('at the cap, not over it, events still go', () => {
  sink.take();
  sink.writableLength = 4096;
  daemon.removed(ALPHA.id);
  expect(sink.take()).toHaveLength(1);
});

test('stopping unsubscribes from the daemon and cancels every timer; nothing is written after', () => {
  sink.take();
  sink.writableLength = 5000;
  daemon.changed();
  daemon.removed(ALPHA.id);
  expect(daemon.listeners).toBe(2);
  stop();
  expect(daemon.listeners).toBe(0);
  expect(clock.pendingTimers).toBe(0);
  sink.drain();
  clock.advance(KEEP_ALIVE_INTERVAL_MS);
  expect(sink.take()).toEqual([]);
});
