import { Random, randomInt } from '../../common/Random.js';
import { PEER_ID_BYTES } from './Handshake.js';

/** Our client code in Azureus-style peer ids (BEP 20): `-SL0100-` is swarmlab 0.1.0. */
export const CLIENT_CODE = 'SL';
const VERSION_PATTERN = /^[0-9A-Z]{4}$/;
const PREFIX_BYTES = 8; // '-', the client code, 4 version characters, '-'

/**
 * Our peer id, Azureus style (BEP 20): `-SL` + 4 version characters + `-`, then
 * 12 bytes from `random` (injected, so a test gets the same id every run).
 * A new id per session makes a restarted peer a new peer to the swarm.
 */
export function makePeerId(random: Random, version: string): Buffer {
  if (!VERSION_PATTERN.test(version)) throw new RangeError(`peer id version must be 4 characters of 0-9 or A-Z, got '${version}'`);
  const peerId = Buffer.alloc(PEER_ID_BYTES);
  peerId.write(`-${CLIENT_CODE}${version}-`, 0, 'ascii');
  for (let i = PREFIX_BYTES; i < PEER_ID_BYTES; i++) peerId[i] = randomInt(random, 256);
  return peerId;
}

/**
 * The 4 version characters for a `major.minor.patch` version: one character
 * each (0-9, then A-Z for 10-35, as other clients do), then 0: '0.1.0' -> '0100'.
 */
export function peerIdVersion(version: string): string {
  const parts = /^(\d+)\.(\d+)\.(\d+)/.exec(version)?.slice(1).map(Number);
  if (!parts || parts.some((part) => part > 35)) throw new RangeError(`cannot put version '${version}' in a peer id`);
  return parts.map((part) => part.toString(36).toUpperCase()).join('') + '0';
}
