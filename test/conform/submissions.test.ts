import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { commandOf, findSubmissions } from '../../src/conform/submissions.js';

const FOLDER = '/grading/alice';

describe('commandOf: one line of a run file', () => {
  test('split at whitespace; ./ and ../ words and {dir} are paths in the submission folder, a bare . and {id} stay', () => {
    expect(commandOf('  java -cp ./bin:lib  peerProcess {id} --peers-dir . --data ../shared/x {dir}/cfg\n', FOLDER, `${FOLDER}/run`)).toEqual([
      'java',
      '-cp',
      '/grading/alice/bin:lib',
      'peerProcess',
      '{id}',
      '--peers-dir',
      '.',
      '--data',
      '/grading/shared/x',
      '/grading/alice/cfg',
    ]);
  });

  test('blank lines around the command are fine (Windows line ends too)', () => {
    expect(commandOf('\r\npython3 ./peer.py {id}\r\n\r\n', FOLDER, 'run')).toEqual(['python3', '/grading/alice/peer.py', '{id}']);
  });

  test('an empty run file, or a second line, is an error naming the file and line', () => {
    expect(commandOf(' \n\n', FOLDER, '/grading/alice/run')).toEqual({ error: '/grading/alice/run: empty, expected one line with the command that starts the peer' });
    expect(commandOf('make\n\njava peerProcess {id}\n', FOLDER, '/grading/alice/run')).toEqual({
      error: '/grading/alice/run:3: a second line; one line expected, the command that starts the peer',
    });
  });
});

test('findSubmissions: subfolders sorted by name, those without a run file skipped, plain files ignored', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-submissions-test-'));
  try {
    for (const name of ['zoe', 'adam', 'mia']) fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, 'zoe', 'run'), 'node ./peer.js {id}\n');
    fs.writeFileSync(path.join(dir, 'adam', 'run'), '\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a submission');
    const found = findSubmissions(dir);
    expect(found.skipped).toEqual(['mia']);
    expect(found.submissions).toEqual([
      { name: 'adam', folder: path.join(dir, 'adam'), command: { error: `${path.join(dir, 'adam', 'run')}: empty, expected one line with the command that starts the peer` } },
      { name: 'zoe', folder: path.join(dir, 'zoe'), command: ['node', path.join(dir, 'zoe', 'peer.js'), '{id}'] },
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
