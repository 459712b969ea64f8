/** What a bad piece costs its sender. */
export type Verdict = 'parole' | 'ban';

/**
 * Who sent us pieces that failed their SHA-1 check. The first bad piece puts
 * a neighbour on parole; a second one bans it for the rest of the run.
 */
export class PeerTrust<K = number> {
  private readonly badPieces = new Map<K, number>();

  /** Records a bad piece from `peerId` and says what follows. */
  badPiece(peerId: K): Verdict {
    const count = (this.badPieces.get(peerId) ?? 0) + 1;
    this.badPieces.set(peerId, count);
    return count >= 2 ? 'ban' : 'parole';
  }

  isOnParole(peerId: K): boolean {
    return this.badPieces.get(peerId) === 1;
  }

  isBanned(peerId: K): boolean {
    return (this.badPieces.get(peerId) ?? 0) >= 2;
  }
}
