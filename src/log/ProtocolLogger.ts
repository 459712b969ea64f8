import * as path from 'path';
import winston from 'winston';
import type { Clock } from '../common/Clock.js';
import { BufferedFileTransport } from './BufferedFileTransport.js';
import { formatTimestamp } from './timestamp.js';
import { closeLogger } from './winstonFile.js';

export function protocolLogPath(logDir: string, peerId: number): string {
  return path.join(logDir, `log_peer_${peerId}.log`);
}

/** The spec's events, one method per sentence. */
export interface ProtocolLog {
  makesConnectionTo(other: number): void;
  isConnectedFrom(other: number): void;
  preferredNeighbors(ids: readonly number[]): void;
  optimisticallyUnchokedNeighbor(other: number): void;
  unchokedBy(other: number): void;
  chokedBy(other: number): void;
  receivedHave(from: number, index: number): void;
  receivedInterested(from: number): void;
  receivedNotInterested(from: number): void;
  downloadedPiece(index: number, from: number, piecesHeld: number): void;
  downloadedCompleteFile(): void;
}

/**
 * A sentence's sink. `perMessage` marks the lines written for every 'have',
 * 'interested' and 'not interested' received: most of a log, and times no
 * one draws, so a sink may pass them by (the debug log's repeats do).
 */
export type SentenceSink = (sentence: string, perMessage: boolean) => void;

/**
 * The spec's sentences, written one per event to a sink: the file below, or a
 * list in tests.
 */
export class ProtocolLogger implements ProtocolLog {
  constructor(
    readonly peerId: number,
    private readonly write: SentenceSink,
  ) {}

  makesConnectionTo(other: number): void {
    this.write(`Peer ${this.peerId} makes a connection to Peer ${other}.`, false);
  }
  isConnectedFrom(other: number): void {
    this.write(`Peer ${this.peerId} is connected from Peer ${other}.`, false);
  }
  preferredNeighbors(ids: readonly number[]): void {
    this.write(`Peer ${this.peerId} has the preferred neighbors ${ids.join(',')}.`, false);
  }
  optimisticallyUnchokedNeighbor(other: number): void {
    this.write(`Peer ${this.peerId} has the optimistically unchoked neighbor ${other}.`, false);
  }
  unchokedBy(other: number): void {
    this.write(`Peer ${this.peerId} is unchoked by ${other}.`, false);
  }
  chokedBy(other: number): void {
    this.write(`Peer ${this.peerId} is choked by ${other}.`, false);
  }
  receivedHave(from: number, index: number): void {
    this.write(`Peer ${this.peerId} received the 'have' message from ${from} for the piece ${index}.`, true);
  }
  receivedInterested(from: number): void {
    this.write(`Peer ${this.peerId} received the 'interested' message from ${from}.`, true);
  }
  receivedNotInterested(from: number): void {
    this.write(`Peer ${this.peerId} received the 'not interested' message from ${from}.`, true);
  }
  downloadedPiece(index: number, from: number, piecesHeld: number): void {
    this.write(`Peer ${this.peerId} has downloaded the piece ${index} from ${from}. Now the number of pieces it has is ${piecesHeld}.`, false);
  }
  downloadedCompleteFile(): void {
    this.write(`Peer ${this.peerId} has downloaded the complete file.`, false);
  }
}

/**
 * Opens `log_peer_<id>.log`: the spec's sentences and nothing else, one line
 * per event, `<time>: <sentence>`. Everything else goes to the diagnostic log.
 * A peer that resumes after a crash appends, so its log tells the whole story.
 * `tap`, when given, also receives each sentence (the launcher's live view).
 */
export function openProtocolLog(
  peerId: number,
  logFile: string,
  clock: Clock,
  append: boolean,
  tap?: SentenceSink,
): { log: ProtocolLogger; close(): Promise<void> } {
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.printf((info) => `${stamp()}: ${info.message}`),
    transports: [new BufferedFileTransport({ filename: logFile, append })],
  });
  const stamp = timestampEverySecond(clock);
  const write = tap
    ? (sentence: string, perMessage: boolean) => {
        logger.info(sentence);
        tap(sentence, perMessage);
      }
    : (sentence: string) => logger.info(sentence);
  return { log: new ProtocolLogger(peerId, write), close: () => closeLogger(logger) };
}

/** formatTimestamp, recomputed only when the second changes. */
function timestampEverySecond(clock: Clock): () => string {
  let second = NaN;
  let text = '';
  return () => {
    const now = clock.now();
    if (Math.floor(now / 1000) !== second) {
      second = Math.floor(now / 1000);
      text = formatTimestamp(now);
    }
    return text;
  };
}
