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

describe('commandOf: quoting as in a shell, without a shell', () => {
  const words = (line: string) => commandOf(`${line}\n`, FOLDER, 'run');

  test("single quotes keep everything; double quotes keep all but \\ \" $ ` after a backslash; a backslash outside quotes keeps the next character", () => {
    expect(words(`python3 "/path with space/peer.py" {id}`)).toEqual(['python3', '/path with space/peer.py', '{id}']);
    expect(words(`java -cp './my bin' peer\\ Process '{id}'`)).toEqual(['java', '-cp', '/grading/alice/my bin', 'peer Process', '{id}']);
    expect(words(`echo 'a "b" \\n $HOME | *' "c \\"d\\" \\$ \\\\ \\n 'e'"`)).toEqual(['echo', 'a "b" \\n $HOME | *', `c "d" $ \\ \\n 'e'`]);
    expect(words(`run "" a""b 'x'"y"z`)).toEqual(['run', '', 'ab', 'xyz']);
  });

  test('shell syntax outside quotes is an error naming the file, line and column: no shell runs the line', () => {
    const error = (text: string) => commandOf(text, FOLDER, '/grading/alice/run');
    expect(error('\njava peerProcess {id} | tee out\n')).toEqual({
      error: "/grading/alice/run:2: column 23: '|' would be a pipe in a shell; no shell runs this line: quote it to pass the character itself",
    });
    expect(error('make && ./peer {id}')).toEqual({ error: expect.stringMatching(/^\/grading\/alice\/run:1: column 6: '&' would be a background or && operator in a shell/) });
    for (const [line, what] of [
      ['./peer {id}; echo', 'a command separator'],
      ['./peer {id} > out', 'a redirection'],
      ['python3 *.py {id}', 'a glob'],
      ['python3 $HOME/peer.py {id}', 'a variable or command substitution'],
      ['python3 `pwd`/peer.py {id}', 'a command substitution'],
    ]) {
      expect(error(line)).toEqual({ error: expect.stringContaining(`would be ${what} in a shell`) });
    }
    expect(error('python3 ~/peer.py {id}')).toEqual({ error: expect.stringMatching(/^\/grading\/alice\/run:1: column 9: '~' would be the home folder/) });
    expect(error('python3 "$HOME/peer.py" {id}')).toEqual({ error: expect.stringMatching(/^\/grading\/alice\/run:1: column 10: \$ inside double quotes/) });
    expect(words('a=~b c~ "~"')).toEqual(['a=~b', 'c~', '~']);
  });

  test('an unterminated quote or a trailing backslash is an error naming the file, line and column', () => {
    const error = (text: string) => commandOf(text, FOLDER, '/grading/alice/run');
    expect(error('\n\npython3 "/my dir/peer.py {id}\n')).toEqual({ error: '/grading/alice/run:3: column 9: a double quote opened here is never closed (the command must be on one line)' });
    expect(error("python3 'peer.py {id}")).toEqual({ error: '/grading/alice/run:1: column 9: a single quote opened here is never closed (the command must be on one line)' });
    expect(error('python3 "a\\"')).toEqual({ error: '/grading/alice/run:1: column 9: a double quote opened here is never closed (the command must be on one line)' });
    expect(error('python3 peer.py \\')).toEqual({ error: '/grading/alice/run:1: column 17: a backslash at the end of the line (the command must be on one line)' });
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
