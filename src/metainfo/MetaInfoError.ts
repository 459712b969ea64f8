/** A .torrent that cannot be used: names the file and what is wrong with it. */
export class MetaInfoError extends Error {
  override readonly name = 'MetaInfoError';

  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}
