import winston from 'winston';
import { BufferedFileTransport } from './BufferedFileTransport.js';

/**
 * Ends a logger and resolves once every transport has written its last line
 * (winston >= 3.19 emits a file transport's 'finish' only after the data is on
 * disk; BufferedFileTransport once its last batch is written), so a process can
 * exit without losing the end of its log.
 */
export function closeLogger(logger: winston.Logger): Promise<void> {
  const files = logger.transports.filter((t) => t instanceof winston.transports.File || t instanceof BufferedFileTransport);
  const flushed = files.map((t) => new Promise<void>((resolve) => t.once('finish', () => resolve())));
  logger.end();
  return Promise.all(flushed).then(() => undefined);
}
