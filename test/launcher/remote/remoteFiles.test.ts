import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileScript } from '../../../src/launcher/remote/remoteFiles.js';
import { sshArguments } from '../../../src/launcher/remote/ssh.js';

describe('writeFileScript: a small file sent inside a script', () => {
  test('the file written there has exactly the bytes, whatever they are (text, or a binary .torrent)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab write text '));
    try {
      const file = path.join(dir, 'Peer Info.cfg');
      const text = "1001 lab1 6008 1\n# it's 100% \\n not a newline, \\\\ and \\c and $HOME `x`\n\n1002 lab2 6008 0";
      const binary = path.join(dir, 'data.torrent');
      const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 151) & 0xff)); // every byte value, NUL and invalid UTF-8 included
      const script = [writeFileScript(file, Buffer.from(text)), writeFileScript(binary, bytes)].join(' && ');
      expect(script).not.toContain('\n');
      // As the remote login shell gets it from ssh.
      execFileSync('sh', ['-c', sshArguments({}, 'lab1', script).at(-1)!]);
      expect(fs.readFileSync(file, 'utf8')).toBe(text);
      expect(fs.readFileSync(binary)).toEqual(bytes);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
