import { MISSING_DIR_EXIT, explainSshFailure } from '../../../src/launcher/remote/sshErrors.js';

describe('explainSshFailure: ssh\'s failures in the user\'s terms', () => {
  test('a refused key names the fix', () => {
    const why = explainSshFailure('lab1', 255, 'Warning: something\nroot@lab1: Permission denied (publickey).\n');
    expect(why).toBe('lab1 refuses our key (root@lab1: Permission denied (publickey).): add your public key to ~/.ssh/authorized_keys there (ssh-copy-id lab1), or load it into ssh-agent');
  });

  test.each([
    ['ssh: connect to host lab1 port 22: Connection refused'],
    ['ssh: connect to host lab1 port 22: Connection timed out'],
    ['ssh: Could not resolve hostname lab1: Name or service not known'],
    ['ssh: connect to host lab1 port 22: No route to host'],
  ])('a host that does not answer: %s', (stderr) => {
    expect(explainSshFailure('lab1', 255, stderr)).toMatch(/^lab1 does not answer \(.+\): is the name right/);
  });

  test('an unknown host key', () => {
    expect(explainSshFailure('lab1', 255, 'No ED25519 host key is known for lab1\nHost key verification failed.\n')).toMatch(/^lab1's host key is unknown or has changed \(Host key verification failed\.\): run 'ssh lab1' once/);
  });

  test('another ssh failure still says what ssh said', () => {
    expect(explainSshFailure('lab1', 255, 'ssh: something new\n')).toBe('ssh to lab1 failed (ssh: something new)');
  });

  test('node missing (exit 127) points at node and --remote-command', () => {
    expect(explainSshFailure('lab1', 127, 'sh: 1: node: not found\n')).toBe(
      'a command was not found on lab1 (sh: 1: node: not found): is node installed there, and on the PATH of non-interactive shells? (see --remote-command)',
    );
  });

  test('a missing remote directory points at --push', () => {
    expect(explainSshFailure('lab1', MISSING_DIR_EXIT, "sh: 1: cd: can't cd to /x\n")).toMatch(/^its remote directory is missing on lab1 .*--push$/);
  });

  test('the peer\'s own exit codes speak for themselves', () => {
    for (const code of [0, 1, 3, 7, 143, null]) expect(explainSshFailure('lab1', code, 'peerProcess 1001: whatever\n')).toBeUndefined();
  });
});
