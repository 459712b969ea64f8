import type { Random } from '../../common/Random.js';
import { MAX_PEER_ID } from '../../config/PeerInfo.js';
import { makePeerId } from '../../wire/bt/PeerId.js';

/** After the 8-byte `-SL0100-` prefix: the PeerInfo.cfg ID in 10 decimal digits (up to 4294967295), then 2 random bytes. */
const ID_START = 8;
const ID_DIGITS = 10;
const SWARMLAB_PREFIX = '-SL';

/**
 * The BitTorrent peer id of the peer listed in PeerInfo.cfg as `peerId`:
 * swarmlab's Azureus-style prefix (BEP 20), the ID in digits, 2 random bytes.
 * The handshake then says who is who, as the course's handshake does, so a
 * peer can tell which listed peers are complete; the random end makes a peer
 * started again (or resumed) a new connection, not a duplicate of its last one.
 */
export function listedPeerId(peerId: number, random: Random, version: string): Buffer {
  const id = makePeerId(random, version);
  id.write(String(peerId).padStart(ID_DIGITS, '0'), ID_START, 'ascii');
  return id;
}

/** The PeerInfo.cfg ID a listed peer's peer id carries, or undefined for any other peer id (another client's). */
export function listedIdOf(peerId: Buffer): number | undefined {
  if (peerId.toString('latin1', 0, SWARMLAB_PREFIX.length) !== SWARMLAB_PREFIX) return undefined;
  const digits = peerId.toString('latin1', ID_START, ID_START + ID_DIGITS);
  if (!/^\d{10}$/.test(digits)) return undefined;
  const id = Number(digits);
  return id <= MAX_PEER_ID ? id : undefined;
}
