import type { Config } from '../config/Config.js';
import type { PeerInfo } from '../config/PeerInfo.js';
import { StorageError } from '../storage/StorageError.js';
import { ExitCode } from './exitCodes.js';

/** A failure that ends the process with its own exit code and a one-line reason. */
export class Fatal extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Turns one kind of error into a Fatal with its exit code. */
export async function fatalOn<T>(errorClass: new (...args: never[]) => Error, exitCode: number, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof errorClass) throw new Fatal(error.message, exitCode);
    throw error;
  }
}

/** A peer's file (at `file`) could not be opened: a disk error, or a seeder's file missing or wrong (with what to do about it). */
export function storeFailure(error: unknown, self: PeerInfo, config: Config, file: string): unknown {
  if (!(error instanceof StorageError)) return error;
  return new Fatal(error.message + seedFileHint(error, self, config, file), error.code === 'io' ? ExitCode.Storage : ExitCode.SeedFile);
}

/** What a seeder run by hand without its file (or with the wrong one) should do about it. */
function seedFileHint(error: StorageError, self: PeerInfo, config: Config, file: string): string {
  if (error.code === 'io') return '';
  return (
    `. Peer ${self.peerId} is a seeder (hasFile 1 in PeerInfo.cfg): put the ${config.common.fileSize}-byte ${config.common.fileName} at ${file}, ` +
    'or let the launcher create one of random bytes: swarmlab swarm --make-file'
  );
}
