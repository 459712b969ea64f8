import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REMOTE_PID_MARKER, peerScript } from '../../../src/launcher/remote/peerScript.js';
import { MISSING_DIR_EXIT } from '../../../src/launcher/remote/sshErrors.js';

/**
 * The script as the remote sh runs it (here, locally: its exit code and what
 * it prints). Its stdin stays open, as a session's does, unless `closeStdin`.
 */
function runScript(dir: string, command: string, closeStdin = false): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('sh', ['-c', peerScript({ dir, command, logFile: 'log_peer_1001.log', freshLog: true })], { stdio: 'pipe' });
  if (closeStdin) child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) =>
    child.once('close', (code) => {
      child.stdin.destroy();
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('peerScript: the shell script a remote peer\'s session runs', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab peer script '))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('prints the peer\'s pid, then its log, and ends with the peer\'s exit code; the last run\'s log is gone first', async () => {
    fs.writeFileSync(path.join(dir, 'log_peer_1001.log'), 'an old line\n');
    const result = await runScript(dir, `sh -c 'echo "12:00:00: Peer 1001 has downloaded the complete file." > log_peer_1001.log; echo hello; exit 3'`);
    expect(result.code).toBe(3);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${REMOTE_PID_MARKER} \\d+$`));
    expect(lines).toContain('hello');
    expect(result.stdout).not.toContain('an old line');
  });

  test('a missing directory exits with its own code', async () => {
    expect((await runScript(path.join(dir, 'nope'), 'true')).code).toBe(MISSING_DIR_EXIT);
  });

  test('a missing program exits 127, as for a missing node', async () => {
    const result = await runScript(dir, '/nonexistent/node peerProcess.js 1001');
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(/\/nonexistent\/node: (not found|No such file)/);
  });

  test('the peer is stopped when the session\'s stdin closes (its launcher is gone)', async () => {
    // stdin closed at once: the watcher stops a peer that would run for a minute.
    const result = await runScript(dir, 'sleep 60', true);
    expect(result.code).toBe(143);
  });
});
