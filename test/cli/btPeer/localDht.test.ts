/** A DHT set-up's node (PeerDiscovery dht): on its port's UDP twin, and a clear exit when that port is taken. */
import * as dgram from 'dgram';
import { Fatal } from '../../../src/cli/fatal.js';
import { startLocalDht } from '../../../src/cli/btPeer/localDht.js';
import { systemClock } from '../../../src/common/Clock.js';
import { makeTempDir, removeTempDir } from '../../support/fixtures.js';
import { RecordingDiagnostics } from '../../support/RecordingDiagnostics.js';
import { LOOPBACK } from '../../support/sockets.js';

test('the first listed peer starts alone on UDP at its own port number; a taken port is a Fatal with exit 5', async () => {
  const dir = makeTempDir('swarmlab-localdht-');
  const taken = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => taken.bind(0, LOOPBACK, resolve));
  const port = taken.address().port;
  const peers = [{ peerId: 1, host: LOOPBACK, port, hasFile: true, line: 1 }];
  try {
    const refusal = await startLocalDht(peers[0], peers, dir, systemClock, new RecordingDiagnostics()).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(Fatal);
    expect((refusal as Fatal).exitCode).toBe(5);
    expect((refusal as Fatal).message).toMatch(new RegExp(`cannot listen on UDP 127\\.0\\.0\\.1:${port}`));
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    const node = await startLocalDht(peers[0], peers, dir, systemClock, new RecordingDiagnostics());
    expect(node.status()).toMatchObject({ state: 'running', port });
    await node.stop();
  } finally {
    removeTempDir(dir);
  }
});
