/** An input a .torrent cannot be made of (empty, a symbolic link cycle): the message says which and why. */
export class MakeTorrentError extends Error {
  override readonly name = 'MakeTorrentError';
}
