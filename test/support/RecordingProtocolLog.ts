import type { ProtocolLog } from '../../src/log/ProtocolLogger';
import { DEFAULT_WAIT_MS, Waiters } from './waiting';

export type ProtocolLogMethod = keyof ProtocolLog;

/**
 * A ProtocolLog that keeps every call and the sentence it stands for, in the
 * exact wording of protocol.md ("Files a peer writes"), without the time prefix.
 */
export class RecordingProtocolLog implements ProtocolLog {
  readonly calls: { method: ProtocolLogMethod; args: unknown[] }[] = [];
  readonly sentences: string[] = [];
  private readonly waiters = new Waiters();

  constructor(readonly peerId: number) {}

  makesConnectionTo(other: number): void {
    this.record('makesConnectionTo', [other], `Peer ${this.peerId} makes a connection to Peer ${other}.`);
  }
  isConnectedFrom(other: number): void {
    this.record('isConnectedFrom', [other], `Peer ${this.peerId} is connected from Peer ${other}.`);
  }
  preferredNeighbors(ids: readonly number[]): void {
    this.record('preferredNeighbors', [[...ids]], `Peer ${this.peerId} has the preferred neighbors ${ids.join(',')}.`);
  }
  optimisticallyUnchokedNeighbor(other: number): void {
    this.record('optimisticallyUnchokedNeighbor', [other], `Peer ${this.peerId} has the optimistically unchoked neighbor ${other}.`);
  }
  unchokedBy(other: number): void {
    this.record('unchokedBy', [other], `Peer ${this.peerId} is unchoked by ${other}.`);
  }
  chokedBy(other: number): void {
    this.record('chokedBy', [other], `Peer ${this.peerId} is choked by ${other}.`);
  }
  receivedHave(from: number, index: number): void {
    this.record('receivedHave', [from, index], `Peer ${this.peerId} received the 'have' message from ${from} for the piece ${index}.`);
  }
  receivedInterested(from: number): void {
    this.record('receivedInterested', [from], `Peer ${this.peerId} received the 'interested' message from ${from}.`);
  }
  receivedNotInterested(from: number): void {
    this.record('receivedNotInterested', [from], `Peer ${this.peerId} received the 'not interested' message from ${from}.`);
  }
  downloadedPiece(index: number, from: number, piecesHeld: number): void {
    this.record(
      'downloadedPiece',
      [index, from, piecesHeld],
      `Peer ${this.peerId} has downloaded the piece ${index} from ${from}. Now the number of pieces it has is ${piecesHeld}.`,
    );
  }
  downloadedCompleteFile(): void {
    this.record('downloadedCompleteFile', [], `Peer ${this.peerId} has downloaded the complete file.`);
  }

  /** Sentences containing `fragment`. */
  matching(fragment: string): string[] {
    return this.sentences.filter((s) => s.includes(fragment));
  }

  count(fragment: string): number {
    return this.matching(fragment).length;
  }

  callsOf(method: ProtocolLogMethod): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** Resolves once `count` sentences containing `fragment` were logged. */
  waitFor(fragment: string, count = 1, timeoutMs = DEFAULT_WAIT_MS): Promise<string[]> {
    return this.waiters.until(
      () => this.count(fragment) >= count && this.matching(fragment),
      () => `${count} log line(s) containing "${fragment}"; log so far:\n  ${this.sentences.join('\n  ')}`,
      timeoutMs,
    );
  }

  private record(method: ProtocolLogMethod, args: unknown[], sentence: string): void {
    this.calls.push({ method, args });
    this.sentences.push(sentence);
    this.waiters.notify();
  }
}
