import { execFileSync } from 'child_process';
import { shellQuote } from '../../../src/launcher/remote/shellQuote.js';
import { sshArguments } from '../../../src/launcher/remote/ssh.js';

/** What sh makes of a command line: its words, one a line. */
const wordsOf = (line: string) => execFileSync('sh', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' }).split('\n').slice(0, -1);

describe('shellQuote: one word for sh, whatever it holds', () => {
  test('plain words stay bare', () => {
    expect(shellQuote('/tmp/swarm/1001')).toBe('/tmp/swarm/1001');
    expect(shellQuote('--log-dir')).toBe('--log-dir');
  });

  test.each([['a path with spaces/peer_1001'], ["it's"], ['$HOME; rm -rf /'], ['back\\slash "and" `ticks`'], ['']])('%j reaches sh as one word', (word) => {
    expect(wordsOf(shellQuote(word))).toEqual([word]);
  });
});

describe('sshArguments: ssh never prompts, and the script reaches the remote sh intact', () => {
  test('BatchMode, a connect timeout, no terminal; -F only when given', () => {
    expect(sshArguments({}, 'lab1', 'true')).toEqual(['-T', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', '--', 'lab1', 'sh -c true']);
    expect(sshArguments({ configFile: '/tmp/my ssh config' }, 'lab1', 'true').slice(5, 7)).toEqual(['-F', '/tmp/my ssh config']);
  });

  test('the remote command line, run by a login shell, runs the script with its quoted paths', () => {
    const script = `cd ${shellQuote('/')} && printf '%s\\n' ${shellQuote("a dir/with 'quotes'")}`;
    const remoteLine = sshArguments({}, 'lab1', script).at(-1)!;
    expect(execFileSync('sh', ['-c', remoteLine], { encoding: 'utf8' })).toBe("a dir/with 'quotes'\n");
  });
});
