import { describeDone, describeFailed, initialState, pressKey, withDetail, withEvent, withTorrents, type TopKey, type TopState } from '../../src/top/model.js';
import { summary } from './fixtures.js';

const a = summary({ id: 'a', name: 'alpha' });
const b = summary({ id: 'b', name: 'bravo' });
const c = summary({ id: 'c', name: 'charlie' });

/** The state after pressing `keys` in turn, and the commands they asked for. */
function press(state: TopState, ...keys: TopKey[]) {
  const commands = [];
  for (const key of keys) {
    const result = pressKey(state, key);
    state = result.state;
    if (result.command) commands.push(result.command);
  }
  return { state, commands };
}

describe('the selection', () => {
  test('starts on the first torrent, or none in an empty list', () => {
    expect(initialState([a, b]).selectedId).toBe('a');
    expect(initialState([]).selectedId).toBeNull();
  });

  test('moves with the arrows and j/k, and stops at either end', () => {
    const start = initialState([a, b, c]);
    expect(press(start, 'Down').state.selectedId).toBe('b');
    expect(press(start, 'j', 'j', 'j').state.selectedId).toBe('c');
    expect(press(start, 'Down', 'Down', 'Up').state.selectedId).toBe('b');
    expect(press(start, 'k', 'Up').state.selectedId).toBe('a');
  });

  test('stays on its torrent when the list changes order or grows', () => {
    const onB = press(initialState([a, b, c]), 'Down').state;
    expect(withTorrents(onB, [c, b, a]).selectedId).toBe('b');
    expect(withEvent(onB, { type: 'torrents', torrents: [summary({ id: 'z', name: 'zulu' }), a, b, c] }).selectedId).toBe('b');
  });

  test('moves to the torrent that took its place when its torrent goes', () => {
    const onB = press(initialState([a, b, c]), 'Down').state;
    expect(withEvent(onB, { type: 'removed', id: 'b' }).selectedId).toBe('c');
    const onC = press(onB, 'Down').state;
    expect(withEvent(onC, { type: 'removed', id: 'c' }).selectedId).toBe('b');
    expect(withTorrents(onC, []).selectedId).toBeNull();
  });

  test('a new list selects the first torrent when none was selected', () => {
    expect(withTorrents(initialState([]), [b, c]).selectedId).toBe('b');
  });

  test('a new selection drops the old detail; detail for a torrent no longer selected is ignored', () => {
    const withPeers = withDetail(initialState([a, b]), 'a', { peers: [] });
    expect(withPeers.detail).toEqual({ id: 'a', peers: [] });
    const moved = press(withPeers, 'Down').state;
    expect(moved.detail).toBeNull();
    expect(withDetail(moved, 'a', { peers: [] })).toBe(moved);
    expect(withDetail(withDetail(moved, 'b', { peers: [] }), 'b', { files: [] }).detail).toEqual({ id: 'b', peers: [], files: [] });
  });
});

describe('keys', () => {
  test('Enter and Tab switch the detail pane between peers and files', () => {
    const start = initialState([a]);
    expect(start.pane).toBe('peers');
    expect(press(start, 'Tab').state.pane).toBe('files');
    expect(press(start, 'Enter', 'Tab').state.pane).toBe('peers');
  });

  test('p, r and c act on the selected torrent', () => {
    const { commands } = press(initialState([a, b]), 'Down', 'p', 'r', 'c');
    expect(commands).toEqual([
      { kind: 'act', id: 'b', name: 'bravo', action: 'pause' },
      { kind: 'act', id: 'b', name: 'bravo', action: 'resume' },
      { kind: 'act', id: 'b', name: 'bravo', action: 'recheck' },
    ]);
  });

  test('with no torrent, the actions do nothing', () => {
    const start = initialState([]);
    expect(press(start, 'p', 'd', 'Down')).toEqual({ state: start, commands: [] });
  });

  test('q and Ctrl-C quit', () => {
    expect(press(initialState([a]), 'q').commands).toEqual([{ kind: 'quit' }]);
    expect(press(initialState([a]), 'Ctrl-C').commands).toEqual([{ kind: 'quit' }]);
  });

  test('other keys change nothing', () => {
    const start = initialState([a, b]);
    expect(press(start, 'x', 'Escape', 'Y')).toEqual({ state: start, commands: [] });
  });
});

describe('removing asks first', () => {
  test('d asks y/n, and y removes the torrent, keeping its data', () => {
    const asked = press(initialState([a, b]), 'd');
    expect(asked.commands).toEqual([]);
    expect(asked.state.message).toEqual({ text: 'remove alpha? (y/n)', error: false });
    const { state, commands } = press(asked.state, 'y');
    expect(commands).toEqual([{ kind: 'remove', id: 'a', name: 'alpha', deleteData: false }]);
    expect(state.confirm).toBeNull();
    expect(state.message?.text).toBe('removing alpha...');
  });

  test('D asks, saying the data goes too, and Y removes it with its data', () => {
    const asked = press(initialState([a]), 'D');
    expect(asked.state.message?.text).toBe('remove alpha AND DELETE ITS DATA? (y/n)');
    expect(press(asked.state, 'Y').commands).toEqual([{ kind: 'remove', id: 'a', name: 'alpha', deleteData: true }]);
  });

  test.each(['n', 'Escape', 'q', 'Down', 'p'])('%s cancels, and does nothing else', (key) => {
    const { state, commands } = press(initialState([a, b]), 'd', key);
    expect(commands).toEqual([]);
    expect(state.confirm).toBeNull();
    expect(state.selectedId).toBe('a');
    expect(state.message?.text).toBe('alpha not removed');
  });

  test('Ctrl-C still quits while asking', () => {
    expect(press(initialState([a]), 'd', 'Ctrl-C').commands).toEqual([{ kind: 'quit' }]);
  });

  test('the question stays on the torrent asked about when the list changes meanwhile', () => {
    const asked = press(initialState([a, b]), 'd').state;
    const moved = withEvent(asked, { type: 'removed', id: 'a' });
    expect(press(moved, 'y').commands).toEqual([{ kind: 'remove', id: 'a', name: 'alpha', deleteData: false }]);
  });
});

test("the status line's words for a command's outcome", () => {
  expect(describeDone({ kind: 'act', id: 'a', name: 'alpha', action: 'pause' })).toBe('paused alpha');
  expect(describeDone({ kind: 'act', id: 'a', name: 'alpha', action: 'resume' })).toBe('resumed alpha');
  expect(describeDone({ kind: 'act', id: 'a', name: 'alpha', action: 'recheck' })).toBe('rechecking alpha');
  expect(describeDone({ kind: 'remove', id: 'a', name: 'alpha', deleteData: false })).toBe('removed alpha');
  expect(describeDone({ kind: 'remove', id: 'a', name: 'alpha', deleteData: true })).toBe('removed alpha and deleted its data');
  expect(describeFailed({ kind: 'act', id: 'a', name: 'alpha', action: 'pause' }, 'no torrent a')).toBe('pause alpha failed: no torrent a');
  expect(describeFailed({ kind: 'remove', id: 'a', name: 'alpha', deleteData: true }, 'busy')).toBe('remove alpha failed: busy');
});
