import { memorySwarm, TOTAL_LENGTH } from './twoTorrents.js';
import { withTimeout } from '../support/waiting.js';

describe('Torrent over an in-memory transport', () => {
  test('a leecher that dials a seed gets every piece, verified, and both count the bytes', async () => {
    const swarm = memorySwarm();
    const seed = swarm.add('seed', { complete: true });
    const leecher = swarm.add('leecher', { complete: false, peers: ['seed'] });
    seed.torrent.start();
    leecher.torrent.start();
    await withTimeout(leecher.completed, () => 'the leecher to complete: ' + JSON.stringify([seed.diagnostics.entries, leecher.diagnostics.entries, leecher.torrent.status()]), 3000);
    expect(leecher.data.bytes.equals(swarm.content)).toBe(true);
    expect(leecher.data.bitfield.isComplete).toBe(true);
    expect(leecher.source.completedCalls).toBe(1);
    expect(seed.source.completedCalls).toBe(1); // it started complete
    expect(leecher.torrent.status()).toMatchObject({ downloaded: TOTAL_LENGTH, uploaded: 0, complete: true, bytesLeft: 0 });
    expect(seed.torrent.status()).toMatchObject({ uploaded: TOTAL_LENGTH, downloaded: 0 });
    const [fromSeed] = leecher.torrent.status().peers;
    expect(fromSeed).toMatchObject({ client: 'swarmlab 0.1.0', address: 'seed:6881', bytesDownloaded: TOTAL_LENGTH });
    await Promise.all([seed.torrent.stop(), leecher.torrent.stop()]);
    expect(leecher.source.stopped).toBe(true);
  });
});

describe('Torrent when the disk fails', () => {
  test('a verified piece that cannot be written is reported with its error and never counted as held', async () => {
    const swarm = memorySwarm();
    const failures: unknown[] = [];
    let failed!: () => void;
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const seed = swarm.add('seed', { complete: true });
    const leecher = swarm.add('leecher', {
      complete: false,
      peers: ['seed'],
      more: {
        onStorageError: (error) => {
          failures.push(error);
          failed();
        },
      },
    });
    leecher.data.writeError = new Error('ENOSPC: no space left on device');
    seed.torrent.start();
    leecher.torrent.start();
    await withTimeout(firstFailure, 'a storage error');
    expect(failures[0]).toBe(leecher.data.writeError);
    expect(leecher.data.bitfield.count).toBe(0);
    expect(leecher.diagnostics.entries.some((e) => e.level === 'error' && /writing piece \d+ failed: Error: ENOSPC/.test(e.message))).toBe(true);
    await Promise.all([seed.torrent.stop(), leecher.torrent.stop()]);
  });
});
