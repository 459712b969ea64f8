import { ProtocolLogger } from '../../src/log/ProtocolLogger.js';
import { parseLogLine, type SpecEvent } from '../../src/log/specSentences.js';
import { DEFAULT_WAIT_MS, Waiters } from './waiting.js';

/**
 * The real ProtocolLogger writing its sentences (protocol.md, "Files a peer
 * writes") to a list instead of a file, without the time prefix.
 */
export class RecordingProtocolLog extends ProtocolLogger {
  readonly sentences: string[] = [];
  private readonly waiters = new Waiters();

  constructor(peerId: number) {
    super(peerId, (sentence) => {
      this.sentences.push(sentence);
      this.waiters.notify();
    });
  }

  /** The sentences, parsed. */
  events(): SpecEvent[] {
    return this.sentences.map((sentence) => {
      const parsed = parseLogLine(`t: ${sentence}`);
      if (!parsed) throw new Error(`not a spec sentence: ${sentence}`);
      return parsed.event;
    });
  }

  eventsOf<K extends SpecEvent['kind']>(kind: K): Extract<SpecEvent, { kind: K }>[] {
    return this.events().filter((e): e is Extract<SpecEvent, { kind: K }> => e.kind === kind);
  }

  /** Sentences containing `fragment`. */
  matching(fragment: string): string[] {
    return this.sentences.filter((s) => s.includes(fragment));
  }

  count(fragment: string): number {
    return this.matching(fragment).length;
  }

  /** Resolves once `count` sentences containing `fragment` were logged. */
  waitFor(fragment: string, count = 1, timeoutMs = DEFAULT_WAIT_MS): Promise<string[]> {
    return this.waiters.until(
      () => this.count(fragment) >= count && this.matching(fragment),
      () => `${count} log line(s) containing "${fragment}"; log so far:\n  ${this.sentences.join('\n  ')}`,
      timeoutMs,
    );
  }
}
