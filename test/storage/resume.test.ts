import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PieceLayout } from '../../src/storage/Piece';
import { PieceStore } from '../../src/storage/PieceStore';
import { readResumeState, resumePath, writeResumeState } from '../../src/storage/ResumeState';
import { Bitfield } from '../../src/storage/Bitfield';
import { ManualClock } from '../support/ManualClock';

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
    expect(fs.existsSync(resumePath(file))).toBe(false);
    clock.advance(100);
    await store.checkpoint(); // waits for the one the timer started
    expect(((await readResumeState(file, layout)) as Bitfield).count).toBe(2);
    await store.close();
  });

  test('close() writes the last checkpoint', async () => {
    const store = await open();
    await store.writePiece(1, Buffer.from('EFGH'));
    await store.close();
    const bits = (await readResumeState(file, layout)) as Bitfield;
    expect([bits.has(0), bits.has(1), bits.has(2)]).toEqual([false, true, false]);
  });

  test('a resume state that does not fit is not trusted: the store starts fresh and says why', async () => {
    fs.writeFileSync(file, 'ABCDEFGHIJ');
    await writeResumeState(file, new PieceLayout(10, 5), Bitfield.full(2));
    const store = await open();
    expect(store.start.kind).toBe('fresh');
    expect(store.start).toMatchObject({ why: expect.stringContaining('not 10 in 4') });
    expect(store.bitfield.count).toBe(0);
    expect(fs.existsSync(resumePath(file))).toBe(false);
    await store.close();
  });

  test.each([
    ['not JSON', '{"format":', 'not valid JSON'],
    ['unknown format', '{"format":"other","version":1}', 'unknown format'],
    ['bad piece list', JSON.stringify({ format: 'swarmlab-resume', version: 1, fileSize: 10, pieceSize: 4, pieces: 'zz' }), 'no piece list'],
    ['spare bits set', JSON.stringify({ format: 'swarmlab-resume', version: 1, fileSize: 10, pieceSize: 4, pieces: 'ff' }), 'spare bits'],
  ])('a torn or forged resume state (%s) is refused', async (_name, text, why) => {
    fs.writeFileSync(file, 'ABCDEFGHIJ');
    fs.writeFileSync(resumePath(file), text);
    expect(await readResumeState(file, layout)).toEqual({ untrusted: expect.stringContaining(why) });
  });

  test('a resume state without its file, or with a file of the wrong size, is refused', async () => {
    await writeResumeState(file, layout, Bitfield.full(3));
    expect(await readResumeState(file, layout)).toEqual({ untrusted: 'the file itself is missing' });
    fs.writeFileSync(file, 'short');
    expect(await readResumeState(file, layout)).toEqual({ untrusted: 'the file is 5 bytes, not 10' });
  });

  test('the state is replaced atomically: no temp file is left behind', async () => {
    await writeResumeState(file, layout, Bitfield.full(3));
    await writeResumeState(file, layout, new Bitfield(3));
    expect(fs.readdirSync(dir).sort()).toEqual(['f.dat.resume']);
  });

  test('a seeder never writes a resume state', async () => {
    fs.writeFileSync(file, 'ABCDEFGHIJ');
    const store = await PieceStore.open({ dir, fileName: 'f.dat', layout, complete: true });
    await store.checkpoint();
    await store.close();
    expect(fs.existsSync(resumePath(file))).toBe(false);
  });
});
