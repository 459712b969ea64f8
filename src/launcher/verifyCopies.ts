import * as path from 'path';
import type { Config } from '../config/Config.js';
import type { PeerInfo } from '../config/PeerInfo.js';
import { peerDirectory } from '../config/peerDirectory.js';
import { hashFile } from './seedFiles.js';

export interface CopyCheck {
  peerId: number;
  file: string;
  matches: boolean;
  problem?: string;
}

/** Where a peer's copy is (a path here, or host:path for a peer run over ssh) and how to get its SHA-1. */
export interface CopyLocation {
  file: string;
  sha1(): Promise<string>;
}

/** A copy on this machine, under peersDir. */
export function localCopy(config: Config, peersDir: string, peer: PeerInfo): CopyLocation {
  const file = path.join(peerDirectory(peersDir, peer.peerId), config.common.fileName);
  return { file, sha1: () => hashFile(file) };
}

/** Compares every peer's copy with the first seeder's, by SHA-1 of the whole file, streamed. */
export async function verifyCopies(
  config: Config,
  peersDir: string,
  locate: (peer: PeerInfo) => CopyLocation = (peer) => localCopy(config, peersDir, peer),
): Promise<CopyCheck[]> {
  const seeder = config.peers.find((p) => p.hasFile);
  if (!seeder) return [];
  const seederCopy = locate(seeder);
  // A remote seeder's copy may be out of reach: every check then says so, rather than the run ending in a stack trace.
  const reference = await seederCopy.sha1().catch((error: Error) => new Error(`the seeder's copy ${seederCopy.file} cannot be read: ${error.message}`));
  const checks: CopyCheck[] = [];
  for (const peer of config.peers) {
    const { file, sha1 } = locate(peer);
    try {
      if (reference instanceof Error) throw reference;
      const digest = await sha1();
      checks.push({ peerId: peer.peerId, file, matches: digest === reference, problem: digest === reference ? undefined : 'differs from the seeder\'s copy' });
    } catch (error) {
      checks.push({ peerId: peer.peerId, file, matches: false, problem: (error as Error).message });
    }
  }
  return checks;
}
