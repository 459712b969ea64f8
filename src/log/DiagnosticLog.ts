import * as path from 'path';
import winston from 'winston';
import type { Clock } from '../common/Clock.js';
import { formatTimestampMs } from './timestamp.js';
import { closeLogger } from './winstonFile.js';

/** Marks a line for the debug file only. */
const FILE_ONLY = Symbol('file only');

/** How a repeated protocol sentence starts in the debug log. */
export const REPEAT_PREFIX = 'protocol log: ';

export type DiagnosticLevel = 'error' | 'warn' | 'info' | 'debug';
export const DIAGNOSTIC_LEVELS: readonly DiagnosticLevel[] = ['error', 'warn', 'info', 'debug'];

/** What the node reports besides the spec's sentences. */
export interface Diagnostics {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export function debugLogPath(logDir: string, peerId: number): string {
  return path.join(logDir, `log_peer_${peerId}.debug.log`);
}

/**
 * Start-up parameters, bitfields, warnings, errors and (at debug level) a trace
 * of every message: to the console and `log_peer_<id>.debug.log`, so the graded
 * protocol log keeps only the spec's sentences.
 */
export class DiagnosticLog implements Diagnostics {
  private readonly logger: winston.Logger;
  /** Set by close(): a second close waits for the same end. */
  private closing: Promise<void> | undefined;

  constructor(options: { peerId: number | string; logFile?: string; append?: boolean; level: DiagnosticLevel; clock: Clock; console: boolean }) {
    const line = winston.format.printf(
      (info) => `${formatTimestampMs(options.clock.now())} [${options.peerId}] ${info.level}: ${info.message}`,
    );
    // Repeated protocol sentences are for the file (and the report), not for the console.
    const notFileOnly = winston.format((info) => (info[FILE_ONLY] ? false : info))();
    const transports: winston.transport[] = [];
    if (options.console) transports.push(new winston.transports.Console({ stderrLevels: ['error', 'warn'], format: notFileOnly }));
    if (options.logFile) transports.push(new winston.transports.File({ filename: options.logFile, options: { flags: options.append ? 'a' : 'w' } }));
    this.logger = winston.createLogger({ level: options.level, format: line, transports });
  }

  error(message: string): void {
    this.write('error', message);
  }
  warn(message: string): void {
    this.write('warn', message);
  }
  info(message: string): void {
    this.write('info', message);
  }
  /**
   * A protocol-log sentence again, at millisecond resolution, in the debug
   * file only: the spec's log has whole seconds, the report draws finer times
   * from these lines (src/report/debugLogs.ts).
   */
  repeat(sentence: string): void {
    if (!this.closing) this.logger.log({ level: 'info', message: `${REPEAT_PREFIX}${sentence}`, [FILE_ONLY]: true });
  }
  debug(message: string): void {
    // winston formats a line before its transports drop it by level: checked
    // first, the trace of every message sent and received costs nothing below debug.
    if (this.logger.isDebugEnabled()) this.write('debug', message);
  }

  /** Ends the log once its last line is on disk; anything logged after this is dropped. */
  close(): Promise<void> {
    this.closing ??= closeLogger(this.logger);
    return this.closing;
  }

  /** A line logged after close (a late event or signal) is dropped: an ended winston stream would throw 'write after end'. */
  private write(level: DiagnosticLevel, message: string): void {
    if (!this.closing) this.logger.log(level, message);
  }
}
