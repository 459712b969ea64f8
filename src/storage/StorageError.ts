/** A problem with the peer's own file: names the file and the cause. */
export class StorageError extends Error {
  override readonly name = 'StorageError';

  constructor(
    readonly file: string,
    readonly problem: string,
    /** seed-data-mismatch: a seed's files are all there, but some pieces are not the torrent's. */
    readonly code: 'seed-file-missing' | 'seed-file-wrong-size' | 'seed-data-mismatch' | 'io',
  ) {
    super(`${file}: ${problem}`);
  }
}
