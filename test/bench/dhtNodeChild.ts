/**
 * One DHT node alone in its process, for the DHT memory benchmark
 * (dhtBench.ts): prints {"port"} once listening on 127.0.0.1, then answers
 * each "measure" line on stdin with its memory after a full collection.
 */
import * as fs from 'fs';
import * as readline from 'readline';
import { systemClock } from '../../src/common/Clock.js';
import { isPublicOrLoopback } from '../../src/dht/addressPolicy.js';
import { DhtNode, SHARED_ADDRESS_LIMITS } from '../../src/dht/DhtNode.js';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };
const node = new DhtNode({ port: 0, bindAddress: '127.0.0.1', bootstrap: [], clock: systemClock, diagnostics: quiet, accepts: isPublicOrLoopback, limits: SHARED_ADDRESS_LIMITS });
const started = await node.start();
if (!started.listening) throw new Error(`the DHT node did not start: ${started.reason}`);
console.log(JSON.stringify({ port: started.port }));

readline.createInterface({ input: process.stdin }).on('line', () => {
  (globalThis as { gc?: () => void }).gc?.();
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  console.log(JSON.stringify({ rss: kib('VmRSS'), peak: kib('VmHWM'), heapUsed: process.memoryUsage().heapUsed, announcedPeers: node.status().announcedPeers }));
});
process.stdin.on('end', () => void node.stop().then(() => process.exit(0)));
