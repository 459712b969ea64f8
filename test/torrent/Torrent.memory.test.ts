import { MAX_BYTES_AWAITING_DISK } from '../../src/torrent/Downloader.js';
import { knownBytes } from '../support/fixtures.js';
import { memorySwarm, PIECE_LENGTH, TOTAL_LENGTH } from './twoTorrents.js';
import { turnEventLoop, withTimeout } from '../support/waiting.js';

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

describe('Torrent when the disk is slow', () => {
  test(`the leecher stops reading its peer while ${MAX_BYTES_AWAITING_DISK} bytes wait for the disk, and completes once the disk catches up`, async () => {
    const swarm = memorySwarm(knownBytes(2 * MAX_BYTES_AWAITING_DISK + 12_345));
    const seed = swarm.add('seed', { complete: true });
    const leecher = swarm.add('leecher', { complete: false, peers: ['seed'] });
    leecher.data.holdWrites();
    seed.torrent.start();
    leecher.torrent.start();
    for (let turn = 0; turn < 10_000 && leecher.torrent.status().downloaded < MAX_BYTES_AWAITING_DISK; turn++) await turnEventLoop();
    await turnEventLoop(50);
    const readWhileHeld = leecher.torrent.status().downloaded;
    await turnEventLoop(50);
    // What the seed sent for requests already made waits unread: memory holds what waits for the disk and a little more.
    expect(leecher.torrent.status().downloaded).toBe(readWhileHeld);
    expect(readWhileHeld).toBeLessThan(MAX_BYTES_AWAITING_DISK + 4 * PIECE_LENGTH);
    expect(seed.torrent.status().uploaded).toBeGreaterThan(readWhileHeld);
    expect(leecher.data.bitfield.count).toBe(0);

    leecher.data.releaseWrites();
    await withTimeout(leecher.completed, 'the leecher to complete once the disk caught up');
    expect(leecher.data.bytes.equals(swarm.content)).toBe(true);
    await Promise.all([seed.torrent.stop(), leecher.torrent.stop()]);
  });

  test('a torrent stopped while its writes are under way judges nothing more: the store it closes is not written to', async () => {
    const swarm = memorySwarm();
    const seed = swarm.add('seed', { complete: true });
    const leecher = swarm.add('leecher', { complete: false, peers: ['seed'] });
    leecher.data.holdWrites();
    seed.torrent.start();
    leecher.torrent.start();
    for (let turn = 0; turn < 1000 && leecher.torrent.status().downloaded < 2 * PIECE_LENGTH; turn++) await turnEventLoop();
    expect(leecher.torrent.status().downloaded).toBeGreaterThanOrEqual(2 * PIECE_LENGTH);
    await Promise.all([seed.torrent.stop(), leecher.torrent.stop()]);
    leecher.data.releaseWrites();
    await turnEventLoop(20);
    expect(leecher.data.bitfield.count).toBe(0);
    expect(leecher.diagnostics.entries.filter((e) => e.level === 'error')).toEqual([]);
  });
});
