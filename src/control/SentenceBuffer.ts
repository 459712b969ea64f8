/** Protocol sentences kept for the next batch to the launcher: at most `cap`, the oldest dropped and counted. */
export class SentenceBuffer {
  private lines: string[] = [];
  private dropped = 0;

  constructor(private readonly cap = 500) {}

  readonly add = (sentence: string): void => {
    if (this.lines.length >= this.cap) {
      this.lines.shift();
      this.dropped++;
    }
    this.lines.push(sentence);
  };

  /** Everything since the last take, and how many lines were dropped meanwhile; undefined when nothing happened. */
  take(): { lines: string[]; dropped: number } | undefined {
    if (this.lines.length === 0 && this.dropped === 0) return undefined;
    const batch = { lines: this.lines, dropped: this.dropped };
    this.lines = [];
    this.dropped = 0;
    return batch;
  }
}
