import { Checkpointer } from '../../src/storage/Checkpointer.js';
import { ManualClock } from '../support/ManualClock.js';

/** A checkpointer on a manual clock (1 s delay) whose saves are recorded and complete, or fail, only when told to. */
function setUp() {
  const clock = new ManualClock();
  const calls: { finish: () => void; fail: (error: Error) => void }[] = [];
  const save = () =>
    new Promise<void>((resolve, reject) => {
      calls.push({ finish: resolve, fail: reject });
    });
  return { clock, calls, checkpointer: new Checkpointer(save, clock, 1000) };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Checkpointer', () => {
  test('changes are batched: one save, the delay after the first change', async () => {
    const { clock, calls, checkpointer } = setUp();
    checkpointer.changed();
    clock.advance(400);
    checkpointer.changed();
    checkpointer.changed();
    expect(clock.pendingTimers).toBe(1);
    clock.advance(599);
    expect(calls).toHaveLength(0);
    clock.advance(1);
    expect(calls).toHaveLength(1);
    calls[0].finish();
    await checkpointer.flush();
    expect(calls).toHaveLength(1);
  });

  test('a change marked urgent is saved at once, and the timer is dropped', () => {
    const { clock, calls, checkpointer } = setUp();
    checkpointer.changed();
    checkpointer.changed(true);
    expect(calls).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
    calls[0].finish();
  });

  test('flush with nothing changed saves nothing; one during a save waits for it, then saves what changed meanwhile', async () => {
    const { clock, calls, checkpointer } = setUp();
    await checkpointer.flush();
    expect(calls).toHaveLength(0);
    checkpointer.changed(true);
    checkpointer.changed();
    const flushed = checkpointer.flush();
    await turn();
    expect(calls).toHaveLength(1);
    calls[0].finish();
    await turn();
    expect(calls).toHaveLength(2);
    calls[1].finish();
    await flushed;
    expect(clock.pendingTimers).toBe(0);
  });

  test.each([
    ['by flush', (_clock: ManualClock) => undefined],
    ['by the timer (reported by the next flush)', (clock: ManualClock) => clock.advance(1000)],
  ])('a failed save started %s leaves the changes pending: the next flush saves again', async (_name, start) => {
    const { clock, calls, checkpointer } = setUp();
    checkpointer.changed();
    start(clock);
    const failed = checkpointer.flush();
    calls[0].fail(new Error('disk full'));
    await expect(failed).rejects.toThrow('disk full');
    const again = checkpointer.flush();
    expect(calls).toHaveLength(2);
    calls[1].finish();
    await again;
  });
});
