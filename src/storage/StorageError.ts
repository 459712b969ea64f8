/** A problem with the peer's own file: names the file and the cause. */
export class StorageError extends Error {
  override readonly name = 'StorageError';

  constructor(
    readonly file: string,
    readonly problem: string,
    readonly code: 'seed-file-missing' | 'seed-file-wrong-size' | 'io',
  ) {
    super(`${file}: ${problem}`);
  }
}
