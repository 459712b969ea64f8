import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PieceLayout } from '../../src/core/PieceLayout.js';
import { PieceStore } from '../../src/storage/PieceStore.js';
import { readResumeState, resumePath, writeResumeState } from '../../src/storage/ResumeState.js';
import { Bitfield } from '../../src/core/Bitfield.js';
import { ManualClock } from '../support/ManualClock.js';

const NO_TOTALS = { bytesUploaded: 0, bytesDownloaded: 0 };

const layout = new PieceLayout(10, 4); // pieces of 4, 4 and 2 bytes

describe('resume after a crash', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-resume-'));
    file = path.join(dir, 'f.dat');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const open = (clock = new ManualClock()) => PieceStore.open({ dir, fileName: 'f.dat', layout, complete: false, clock, checkpointDelayMs: 100 });

  test('pieces written and checkpointed are kept by the next start; the rest is asked for again', async () => {
    const clock = new ManualClock();
    const first = await open(clock);
    expect(first.start).toEqual({ kind: 'fresh', why: 'no resume state' });
    await first.writePiece(0, Buffer.from('ABCD'));
    await first.writePiece(2, Buffer.from('IJ'));
    await first.checkpoint();
    // Written after the checkpoint, then a crash (no close): not listed, so not trusted.
    await first.writePiece(1, Buffer.from('EFGH'));

    const second = await open();
    expect(second.start).toEqual({ kind: 'resumed', pieces: 2 });
    expect([second.has(0), second.has(1), second.has(2)]).toEqual([true, false, true]);
    expect((await second.readPiece(0)).toString()).toBe('ABCD');
    expect((await second.readPiece(2)).toString()).toBe('IJ');
    await second.close();
    await first.close().catch(() => {});
  });

  test('a checkpoint is scheduled after a write, batched, on the injected clock', async () => {
    const clock = new ManualClock();
    const store = await open(clock);
    await store.writePiece(0, Buffer.from('ABCD'));
    await store.writePiece(1, Buffer.from('EFGH'));
    expect(clock.pendingTimers).toBe(1);
    // Until the timer fires, the state on disk is the empty one written at open.
    expect(await readResumeState(file, layout)).toMatchObject({ trusted: true, pieces: expect.objectContaining({ count: 0 }) });
    clock.advance(100);
    await store.checkpoint(); // waits for the one the timer started
    expect(await readResumeState(file, layout)).toMatchObject({ trusted: true, pieces: expect.objectContaining({ count: 2 }) });
    await store.close();
  });

  test('the last piece is checkpointed at once, without waiting for the timer', async () => {
    const clock = new ManualClock();
    const store = await open(clock);
    await store.writePiece(0, Buffer.from('ABCD'));
    await store.writePiece(1, Buffer.from('EFGH'));
    await store.writePiece(2, Buffer.from('IJ'));
    // The clock never moves: only a checkpoint started by the last piece itself can list all three.
    const held = async () => {
      const state = await readResumeState(file, layout);
      return state.trusted ? state.pieces.count : -1;
    };
    // Bounded in real time, not in loop turns: the checkpoint's file-system calls run on the thread pool, slower on a busy machine.
    const deadline = Date.now() + 5_000;
    while ((await held()) !== 3 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    expect(await held()).toBe(3);
    // Killed now (no close): the next start knows it has everything.
    const second = await open();
    expect(second.start).toEqual({ kind: 'resumed', pieces: 3 });
    await second.close();
    await store.close();
  });

  test('close() writes the last checkpoint', async () => {
    const store = await open();
    await store.writePiece(1, Buffer.from('EFGH'));
    await store.close();
    const state = await readResumeState(file, layout);
    const bits = state.trusted ? state.pieces : new Bitfield(3);
    expect([bits.has(0), bits.has(1), bits.has(2)]).toEqual([false, true, false]);
  });

  test('a resume state that does not fit is not trusted: the store starts fresh and says why', async () => {
    fs.writeFileSync(file, 'ABCDEFGHIJ');
    await writeResumeState(file, new PieceLayout(10, 5), Bitfield.full(2), NO_TOTALS);
    const store = await open();
    expect(store.start.kind).toBe('fresh');
    expect(store.start).toMatchObject({ why: expect.stringContaining('not 10 in 4') });
    expect(store.bitfield.count).toBe(0);
    // Replaced at once by one that lists nothing.
    expect(await readResumeState(file, layout)).toMatchObject({ trusted: true, pieces: expect.objectContaining({ count: 0 }) });
    await store.close();
  });

  test('a data file deleted under its resume state: the new empty file is never trusted as holding those pieces', async () => {
    fs.writeFileSync(file, 'ABCDEFGHIJ');
    await writeResumeState(file, layout, Bitfield.full(3), NO_TOTALS);
    fs.rmSync(file);
    const first = await open();
    expect(first.start.kind).toBe('fresh');
    await first.writePiece(0, Buffer.from('ABCD')); // then a crash: no close
    const second = await open();
    expect(second.bitfield.count).toBe(0);
    await second.close();
    await first.close().catch(() => {});
  });

  test.each([
    ['not JSON', '{"format":', 'not valid JSON'],
    ['unknown format', '{"format":"other","version":1}', 'unknown format'],
    ['bad piece list', JSON.stringify({ format: 'swarmlab-resume', version: 1, fileSize: 10, pieceSize: 4, pieces: 'zz' }), 'no piece list'],
    ['spare bits set', JSON.stringify({ format: 'swarmlab-resume', version: 1, fileSize: 10, pieceSize: 4, pieces: 'ff' }), 'spare bits'],
  ])('a torn or forged resume state (%s) is refused', async (_name, text, why) => {
    fs.writeFileSync(file, 'ABCDEFGHIJ');
    fs.writeFileSync(resumePath(file), text);
    expect(await readResumeState(file, layout)).toMatchObject({ trusted: false, why: expect.stringContaining(why) });
  });

  test('a resume state without its file, or with a file of the wrong size, is refused', async () => {
    fs.writeFileSync(file, 'ABCDEFGHIJ');
    await writeResumeState(file, layout, Bitfield.full(3), NO_TOTALS);
    fs.rmSync(file);
    expect(await readResumeState(file, layout)).toMatchObject({ trusted: false, why: 'the file itself is missing' });
    fs.writeFileSync(file, 'short');
    expect(await readResumeState(file, layout)).toMatchObject({ trusted: false, why: 'the file is 5 bytes, not 10' });
  });

  test('the state is replaced atomically: no temp file is left behind', async () => {
    fs.writeFileSync(file, 'ABCDEFGHIJ');
    await writeResumeState(file, layout, Bitfield.full(3), NO_TOTALS);
    await writeResumeState(file, layout, new Bitfield(3), NO_TOTALS);
    expect(fs.readdirSync(dir).sort()).toEqual(['f.dat', 'f.dat.resume']);
  });

  test('transfer totals survive a restart, a seeder\'s too', async () => {
    fs.writeFileSync(file, 'ABCDEFGHIJ');
    const first = await PieceStore.open({ dir, fileName: 'f.dat', layout, complete: true, clock: new ManualClock() });
    first.recordTransfer(0, 4);
    first.recordTransfer(0, 2);
    await first.close();
    const second = await PieceStore.open({ dir, fileName: 'f.dat', layout, complete: true, clock: new ManualClock() });
    expect(second.totals).toEqual({ bytesUploaded: 6, bytesDownloaded: 0 });
    second.recordTransfer(3, 1);
    await second.close();
    expect((await readResumeState(file, layout)).totals).toEqual({ bytesUploaded: 7, bytesDownloaded: 3 });
  });

  test('totals survive even a resume state whose piece list is not trusted', async () => {
    fs.writeFileSync(file, 'ABCDEFGHIJ');
    await writeResumeState(file, layout, Bitfield.full(3), { bytesUploaded: 5, bytesDownloaded: 9 });
    fs.writeFileSync(file, 'short');
    const state = await readResumeState(file, layout);
    expect(state).toMatchObject({ trusted: false, totals: { bytesUploaded: 5, bytesDownloaded: 9 } });
  });
});
