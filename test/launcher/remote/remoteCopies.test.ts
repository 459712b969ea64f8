import type { Config } from '../../../src/config/Config.js';
import type { PeerInfo } from '../../../src/config/PeerInfo.js';
import { verifyCopies, type CopyLocation } from '../../../src/launcher/verifyCopies.js';

const peers: PeerInfo[] = [1001, 1002, 1003].map((peerId, i) => ({ peerId, host: `lab${i}`, port: 6008, hasFile: i === 0, line: i + 1 }));
const config = { peers, common: { fileName: 'f.dat' } } as Config;

/** Copies wherever they are: each peer's digest, or the error reading it gives. */
const locate = (digests: Record<number, string | Error>) => (peer: PeerInfo): CopyLocation => ({
  file: `${peer.host}:/x/peer_${peer.peerId}/f.dat`,
  sha1: async () => {
    const digest = digests[peer.peerId];
    if (digest instanceof Error) throw digest;
    return digest;
  },
});

describe('verifyCopies over copies that are not here (a peer run over ssh)', () => {
  test('each copy is compared with the seeder\'s by the digest its location gives', async () => {
    const checks = await verifyCopies(config, '/unused', locate({ 1001: 'aa', 1002: 'aa', 1003: 'bb' }));
    expect(checks).toEqual([
      { peerId: 1001, file: 'lab0:/x/peer_1001/f.dat', matches: true, problem: undefined },
      { peerId: 1002, file: 'lab1:/x/peer_1002/f.dat', matches: true, problem: undefined },
      { peerId: 1003, file: 'lab2:/x/peer_1003/f.dat', matches: false, problem: 'differs from the seeder\'s copy' },
    ]);
  });

  test('a seeder\'s copy out of reach fails every check, saying why, rather than throwing', async () => {
    const checks = await verifyCopies(config, '/unused', locate({ 1001: new Error('lab0 does not answer'), 1002: 'aa', 1003: 'aa' }));
    expect(checks.map((c) => [c.matches, c.problem])).toEqual(
      peers.map(() => [false, 'the seeder\'s copy lab0:/x/peer_1001/f.dat cannot be read: lab0 does not answer']),
    );
  });
});
