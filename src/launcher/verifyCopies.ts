import * as path from 'path';
import type { Config } from '../config/Config.js';
import { peerDirectory } from '../config/peerDirectory.js';
import { hashFile } from './seedFiles.js';

export interface CopyCheck {
  peerId: number;
  file: string;
  matches: boolean;
  problem?: string;
}

/** Compares every peer's copy with the first seeder's, by SHA-1 of the whole file, streamed. */
export async function verifyCopies(config: Config, peersDir: string): Promise<CopyCheck[]> {
  const fileOf = (peerId: number) => path.join(peerDirectory(peersDir, peerId), config.common.fileName);
  const seeder = config.peers.find((p) => p.hasFile);
  if (!seeder) return [];
  const reference = await hashFile(fileOf(seeder.peerId));
  const checks: CopyCheck[] = [];
  for (const peer of config.peers) {
    const file = fileOf(peer.peerId);
    try {
      const digest = await hashFile(file);
      checks.push({ peerId: peer.peerId, file, matches: digest === reference, problem: digest === reference ? undefined : 'differs from the seeder\'s copy' });
    } catch (error) {
      checks.push({ peerId: peer.peerId, file, matches: false, problem: (error as Error).message });
    }
  }
  return checks;
}
