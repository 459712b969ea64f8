import { jest } from '@jest/globals';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import winston from 'winston';
import { BufferedFileTransport } from '../../src/log/BufferedFileTransport.js';
import { closeLogger } from '../../src/log/winstonFile.js';

function loggerTo(transport: BufferedFileTransport): winston.Logger {
  return winston.createLogger({ level: 'info', format: winston.format.printf((info) => `L ${info.message}`), transports: [transport] });
}

describe('BufferedFileTransport', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-buffered-'));
    file = path.join(dir, 'out.log');
  });
  afterEach(() => {
    jest.useRealTimers();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('holds lines until the batch is large enough, then writes them in order', () => {
    const transport = new BufferedFileTransport({ filename: file, append: false, flushChars: 20, flushIntervalMs: 60_000 });
    const logger = loggerTo(transport);
    logger.info('one'); // "L one" + newline: 6 characters
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    logger.info('two');
    logger.info('three'); // 6 + 6 + 8 = 20: the batch goes out
    expect(fs.readFileSync(file, 'utf8')).toBe('L one\nL two\nL three\n');
    return closeLogger(logger);
  });

  test('writes a small batch once the flush interval has passed', async () => {
    jest.useFakeTimers();
    const transport = new BufferedFileTransport({ filename: file, append: false, flushIntervalMs: 100 });
    const logger = loggerTo(transport);
    logger.info('alone');
    jest.advanceTimersByTime(99);
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    jest.advanceTimersByTime(1);
    expect(fs.readFileSync(file, 'utf8')).toBe('L alone\n');
    jest.useRealTimers();
    await closeLogger(logger);
  });

  test('closing the logger writes every waiting line and closes the file', async () => {
    const transport = new BufferedFileTransport({ filename: file, append: false, flushIntervalMs: 60_000 });
    const logger = loggerTo(transport);
    for (let i = 0; i < 5000; i++) logger.info(`line ${i}`);
    await closeLogger(logger);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(5001); // the last line ends with a newline too
    expect(lines[0]).toBe('L line 0');
    expect(lines[4999]).toBe('L line 4999');
  });

  test('append keeps what the file held; otherwise it starts empty', async () => {
    fs.writeFileSync(file, 'before\n');
    const appending = loggerTo(new BufferedFileTransport({ filename: file, append: true }));
    appending.info('after');
    await closeLogger(appending);
    expect(fs.readFileSync(file, 'utf8')).toBe('before\nL after\n');

    const fresh = loggerTo(new BufferedFileTransport({ filename: file, append: false }));
    fresh.info('only');
    await closeLogger(fresh);
    expect(fs.readFileSync(file, 'utf8')).toBe('L only\n');
  });
});
