import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { replaceAtomically } from '../../src/storage/atomicFile.js';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-atomic-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

test('replaces the file whole and leaves no temporary file', async () => {
  const target = path.join(dir, 'state.json');
  fs.writeFileSync(target, 'old');
  await replaceAtomically(target, 'new');
  await replaceAtomically(target, Buffer.from('newer'));
  expect(fs.readFileSync(target, 'utf8')).toBe('newer');
  expect(fs.readdirSync(dir)).toEqual(['state.json']);
});

test('a step that fails leaves the old file and no temporary file, and throws', async () => {
  // A rename over a folder fails after the bytes were written: the last step that can fail.
  const target = path.join(dir, 'taken');
  fs.mkdirSync(target);
  fs.writeFileSync(path.join(target, 'inside'), 'x');
  await expect(replaceAtomically(target, 'new')).rejects.toThrow();
  expect(fs.readdirSync(dir)).toEqual(['taken']);
});

/**
 * A real full disk: a 64 KiB tmpfs mounted in a mount namespace of the child's
 * own (unshare -m), so nothing outside it sees the mount. The child fills the
 * disk, then tries to replace a state file with one larger than the space left.
 * (Root is needed, as for the testbed's tests.)
 */
test('on a full disk the old file stays whole, no temporary file is left, and the error says ENOSPC', () => {
  const module = path.join(import.meta.dirname, '..', '..', 'dist', 'storage', 'atomicFile.js');
  const script = `
    const fs = require('fs');
    const mount = process.argv[1];
    import(process.argv[2]).then(async ({ replaceAtomically }) => {
      const target = mount + '/session.json';
      fs.writeFileSync(target, 'old state');
      try { fs.writeFileSync(mount + '/filler', Buffer.alloc(1 << 20)); } catch {}
      try { await replaceAtomically(target, Buffer.alloc(32 * 1024, 'n')); console.log('written'); }
      catch (error) { console.log(error.code); }
      console.log(JSON.stringify({ content: fs.readFileSync(target, 'utf8'), files: fs.readdirSync(mount).sort() }));
    });`;
  const mount = path.join(dir, 'small');
  fs.mkdirSync(mount);
  const shell = `mount -t tmpfs -o size=64k tmpfs "$1" && exec node -e "$2" "$1" "$3"`;
  const child = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', shell, 'sh', mount, script, module], { encoding: 'utf8', timeout: 20_000 });
  expect(child.stderr).toBe('');
  const [code, state] = child.stdout.trim().split('\n');
  expect(code).toBe('ENOSPC');
  expect(JSON.parse(state)).toEqual({ content: 'old state', files: ['filler', 'session.json'] });
});
