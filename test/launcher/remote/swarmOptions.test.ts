import * as path from 'path';
import { runNodeScript } from '../../support/runProcess.js';

const SWARMLAB = path.join(import.meta.dirname, '..', '..', '..', 'dist', 'cli', 'swarmlab.js');

describe('swarm\'s ssh options on the command line', () => {
  test('--help lists them', async () => {
    const { code, stdout } = await runNodeScript(SWARMLAB, ['swarm', '--help'], { cwd: import.meta.dirname, killAfterMs: 20_000 });
    expect(code).toBe(0);
    for (const option of ['--ssh ', '--ssh-config', '--remote-dir', '--remote-command', '--push', '--collect']) expect(stdout).toContain(option);
    expect(stdout).toContain('[choices: "auto", "always", "never"] [default: "auto"]');
  });

  test('a missing --ssh-config file is a usage error naming it', async () => {
    const { code, stderr } = await runNodeScript(SWARMLAB, ['swarm', '--ssh-config', '/nonexistent/ssh_config'], { cwd: import.meta.dirname, killAfterMs: 20_000 });
    expect(code).toBe(2);
    expect(stderr).toContain('--ssh-config: /nonexistent/ssh_config does not exist');
  });
});
