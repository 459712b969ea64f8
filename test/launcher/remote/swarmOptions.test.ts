import * as fs from 'fs';
import * as path from 'path';
import { runNodeScript } from '../../support/runProcess.js';
import { makeSwarmDir } from '../../support/swarmDir.js';

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

  test('a BitTorrent swarm with a peer that would go over ssh is refused (config error), naming the peer, before anything starts', async () => {
    const setup = await makeSwarmDir({ peers: 2, fileSize: 1000, pieceSize: 100 });
    try {
      fs.appendFileSync(path.join(setup.root, 'Common.cfg'), 'Protocol bittorrent\nMetaInfo swarm.torrent\n');
      const { code, stderr } = await runNodeScript(SWARMLAB, ['swarm', '--make-file', '--ssh', 'always'], { cwd: setup.root, killAfterMs: 20_000 });
      expect(code).toBe(3);
      expect(stderr).toContain('peers 1001 (127.0.0.1), 1002 (127.0.0.1) would start over ssh, but a BitTorrent swarm (Protocol bittorrent) runs on this machine only for now');
    } finally {
      setup.remove();
    }
  });
});
