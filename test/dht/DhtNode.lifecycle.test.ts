import * as dgram from 'dgram';
import * as fs from 'fs';
import * as path from 'path';
import { systemClock } from '../../src/common/Clock.js';
import { DhtNode } from '../../src/dht/DhtNode.js';
import { ManualClock } from '../support/ManualClock.js';
import { eventually } from '../support/polling.js';
import { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';
import { turnEventLoop } from '../support/waiting.js';
import { LOOPBACK } from '../support/sockets.js';
import { startNode, type TestNode } from './dhtHarness.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';

describe('DhtNode start and stop', () => {
  test('a UDP port in use: start resolves with the reason, and stop still settles', async () => {
    const taken = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => taken.bind(0, LOOPBACK, resolve));
    const node = new DhtNode({ port: taken.address().port, bindAddress: LOOPBACK, bootstrap: [], clock: systemClock, diagnostics: new RecordingDiagnostics() });
    try {
      const started = await node.start();
      expect(started).toEqual({ listening: false, reason: expect.stringContaining('EADDRINUSE') });
      expect(node.status().state).toBe('stopped');
      await expect(node.stop()).resolves.toBeUndefined();
    } finally {
      taken.close();
    }
  });

  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = makeTempDir('dht-');
    file = path.join(dir, 'table.json');
  });
  const started: TestNode[] = [];
  afterEach(async () => {
    // Even when the test failed: a live UDP socket would keep jest from exiting.
    await Promise.all(started.splice(0).map((n) => n.node.stop()));
    removeTempDir(dir);
  });

  /** A node keeping its table in `file`, saving it every minute of the manual clock. */
  async function nodeWithTable(clock = new ManualClock()): Promise<TestNode> {
    const made = await startNode({ bootstrap: [], routingTableFile: file, clock, limits: { saveEveryMs: 60_000 } });
    started.push(made);
    return made;
  }

  test('an unreadable routing table is a warning naming the file; the node starts from its bootstrap list', async () => {
    fs.writeFileSync(file, 'not json');
    const { node, diagnostics } = await nodeWithTable();
    expect(diagnostics.at('warn')).toEqual([expect.stringMatching(new RegExp(`^DHT routing table: ${file}: not JSON`))]);
    expect(node.status().state).toBe('running');
    await node.stop();
    // Stopping saved a fresh (empty) table over the bad one.
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ format: 1, nodeId: node.status().nodeId, nodes: [] });
  });

  test('the table is also saved every saveEveryMs, so a crash loses little of it', async () => {
    const clock = new ManualClock();
    await nodeWithTable(clock);
    clock.advance(59_999);
    await turnEventLoop(5);
    expect(fs.existsSync(file)).toBe(false);
    clock.advance(1);
    await eventually(() => fs.existsSync(file), 'the table to be saved');
  });

  test('a periodic save and the save at stop, at once, do not collide on the temp file', async () => {
    const clock = new ManualClock();
    const { node, diagnostics } = await nodeWithTable(clock);
    clock.advance(60_000);
    await node.stop();
    expect(diagnostics.at('warn')).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['table.json']);
  });

  test('stop twice, lookups after stop: nothing rejects', async () => {
    const { node } = await startNode({ bootstrap: [] });
    await Promise.all([node.stop(), node.stop()]);
    await expect(node.lookup(Buffer.alloc(20))).resolves.toEqual(new Error('the DHT node is not running'));
    await expect(node.announce(Buffer.alloc(20), 1)).resolves.toEqual(new Error('the DHT node is not running'));
    expect(await node.start()).toEqual({ listening: false, reason: 'the DHT node is stopped' });
  });

  test('a throw inside the library is the outcome of the lookup, not a rejection', async () => {
    const { node } = await startNode({ bootstrap: [] });
    try {
      // bittorrent-dht throws "Pass a buffer or a string" for anything else.
      await expect(node.lookup({} as Buffer)).resolves.toEqual(new Error('Pass a buffer or a string'));
    } finally {
      await node.stop();
    }
  });
});
