/**
 * Protocol sentences kept for the next batch to the launcher: the latest
 * `cap`, in a ring, the older ones dropped and counted (a live view wants the
 * newest lines; adding one costs the same however busy the peer is).
 */
export class SentenceBuffer {
  private readonly ring: string[] = [];
  /** Where the oldest kept line is, once the ring is full. */
  private oldest = 0;
  private dropped = 0;

  constructor(private readonly cap = 500) {}

  readonly add = (sentence: string): void => {
    if (this.ring.length < this.cap) {
      this.ring.push(sentence);
      return;
    }
    this.ring[this.oldest] = sentence;
    this.oldest = (this.oldest + 1) % this.cap;
    this.dropped++;
  };

  /** Everything since the last take, oldest first, and how many lines were dropped meanwhile; undefined when nothing happened. */
  take(): { lines: string[]; dropped: number } | undefined {
    if (this.ring.length === 0 && this.dropped === 0) return undefined;
    const batch = { lines: [...this.ring.slice(this.oldest), ...this.ring.slice(0, this.oldest)], dropped: this.dropped };
    this.ring.length = 0;
    this.oldest = 0;
    this.dropped = 0;
    return batch;
  }
}
