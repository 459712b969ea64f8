/**
 * Two peers that dial each other at the same moment (both heard of the
 * other from a tracker, the DHT or PEX) end up with two connections between
 * them, one dialled by each. Each side must drop the same one, or each drops
 * the one the other keeps and they lose both, again at every retry. The rule
 * both apply: keep the connection dialled by the larger peer id.
 */
import { withTimeout } from '../support/waiting.js';
import { memorySwarm } from './twoTorrents.js';

describe('Torrent: two peers dialling each other at once', () => {
  test('both sides drop the same connection, and the download completes over the other', async () => {
    const swarm = memorySwarm();
    const seed = swarm.add('seed', { complete: true, peers: ['leecher'] });
    const leecher = swarm.add('leecher', { complete: false, peers: ['seed'] });
    seed.torrent.start();
    leecher.torrent.start();
    // Without the rule both connections die, and the next dial waits on a clock that does not move.
    await withTimeout(leecher.completed, () => `the leecher to complete: ${JSON.stringify([seed.diagnostics.entries, leecher.diagnostics.entries])}`, 3000);
    expect(leecher.data.bytes.equals(swarm.content)).toBe(true);
    // The clash happened, and each side dropped the same connection: one closed its older one for it, the other refused its own dial.
    const said = (entries: { message: string }[], pattern: RegExp) => entries.filter((e) => pattern.test(e.message)).length;
    const replaced = /ended: a second connection with that peer is kept instead: the one dialled by the larger peer id/;
    const refused = /ended before its handshake: already connected to that peer .*, by the connection dialled by the larger peer id/;
    const sides = [seed, leecher].map((side) => [said(side.diagnostics.entries, replaced), said(side.diagnostics.entries, refused)]);
    expect(sides.sort()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    await Promise.all([seed.torrent.stop(), leecher.torrent.stop()]);
  });
});
