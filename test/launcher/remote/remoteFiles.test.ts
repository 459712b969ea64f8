import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeTextScript } from '../../../src/launcher/remote/remoteFiles.js';
import { sshArguments } from '../../../src/launcher/remote/ssh.js';

describe('writeTextScript: a small text file sent inside a script', () => {
  test('the file written there has exactly the text, whatever it holds', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab write text '));
    try {
      const file = path.join(dir, 'Peer Info.cfg');
      const text = "1001 lab1 6008 1\n# it's 100% \\n not a newline, \\\\ and \\c and $HOME `x`\n\n1002 lab2 6008 0";
      const script = writeTextScript(file, text);
      expect(script).not.toContain('\n');
      // As the remote login shell gets it from ssh.
      execFileSync('sh', ['-c', sshArguments({}, 'lab1', script).at(-1)!]);
      expect(fs.readFileSync(file, 'utf8')).toBe(text);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
