import { StorageError } from './StorageError.js';

/** Runs a file-system step, turning its error into a StorageError naming `file`. */
export async function ioStep<T>(file: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw new StorageError(file, describeIoError(error), 'io');
  }
}

/** "ENOENT: no such file or directory, stat '...'": Node's message, with its code in front once. */
export function describeIoError(error: unknown): string {
  const err = error as NodeJS.ErrnoException;
  if (!err.code) return String(error);
  return err.message.startsWith(err.code) ? err.message : `${err.code}: ${err.message}`;
}
