import * as fs from 'fs';
import * as path from 'path';
import { parseLogLine, type SpecEvent } from '../../src/log/specSentences.js';

/** Every line of a protocol log, parsed; throws naming the first line that is not a spec sentence. */
export function readProtocolLog(logDir: string, peerId: number): SpecEvent[] {
  const file = path.join(logDir, `log_peer_${peerId}.log`);
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  return lines.map((line, i) => {
    const parsed = parseLogLine(line);
    if (!parsed) throw new Error(`${file}:${i + 1} is not a spec sentence: ${line}`);
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(parsed.time)) throw new Error(`${file}:${i + 1}: time without date and seconds: ${parsed.time}`);
    if (parsed.event.peer !== peerId) throw new Error(`${file}:${i + 1}: sentence about peer ${parsed.event.peer}`);
    return parsed.event;
  });
}
