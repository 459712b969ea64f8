import * as fs from 'fs';
import * as path from 'path';
import { isPublicOrLoopback, isPublicUnicast } from '../../src/dht/addressPolicy.js';
import { loadRoutingTable, saveRoutingTable } from '../../src/dht/routingTableFile.js';
import { makeTempDir, removeTempDir } from '../support/fixtures.js';

describe('the saved routing table', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = makeTempDir('dht-table-');
    file = path.join(dir, 'dht.json');
  });
  afterEach(() => removeTempDir(dir));

  const node = (byte: number, host = '8.8.8.8', port = 6881) => ({ id: Buffer.alloc(20, byte), host, port });

  test('round-trips our node id and its nodes, replacing the old file whole', async () => {
    await saveRoutingTable(file, { nodeId: Buffer.alloc(20, 9), nodes: [node(1)] });
    await saveRoutingTable(file, { nodeId: Buffer.alloc(20, 8), nodes: [node(2), node(3, '1.2.3.4', 51413)] });
    expect(await loadRoutingTable(file, isPublicUnicast, 100)).toEqual({ nodeId: Buffer.alloc(20, 8), nodes: [node(2), node(3, '1.2.3.4', 51413)] });
    expect(fs.readdirSync(dir)).toEqual(['dht.json']);
  });

  test('saved into a folder not made yet (a first run stopping before anything else wrote there)', async () => {
    const nested = path.join(dir, 'download', '.swarmlab', 'dht.json');
    await saveRoutingTable(nested, { nodeId: Buffer.alloc(20, 7), nodes: [node(4)] });
    expect(await loadRoutingTable(nested, isPublicUnicast, 100)).toEqual({ nodeId: Buffer.alloc(20, 7), nodes: [node(4)] });
  });

  test('a first run has no file and no problem', async () => {
    expect(await loadRoutingTable(file, isPublicUnicast, 100)).toEqual({ nodes: [] });
  });

  test.each([
    ['{"format":1,"nodes":[', /dht\.json: not JSON \(/],
    ['{"format":2,"nodes":[]}', /dht\.json: not a routing table of format 1$/],
    ['null', /dht\.json: not a routing table of format 1$/],
  ])('%j yields no nodes and says why, naming the file', async (text, problem) => {
    fs.writeFileSync(file, text);
    const read = await loadRoutingTable(file, isPublicUnicast, 100);
    expect(read.nodes).toEqual([]);
    expect(read.problem).toMatch(problem);
    expect(read.problem).toContain(file);
  });

  test('malformed entries, refused addresses and those over the limit are left out, and counted', async () => {
    const good = { id: '01'.repeat(20), host: '127.0.0.1', port: 7000 };
    const entries = [good, { ...good, id: 'zz' }, { ...good, port: 0 }, { ...good, host: '10.0.0.1' }, { ...good, port: 7001 }, { ...good, port: 7002 }];
    fs.writeFileSync(file, JSON.stringify({ format: 1, nodeId: 'not hex', nodes: entries }));
    const read = await loadRoutingTable(file, isPublicOrLoopback, 2);
    expect(read.nodes.map((n) => n.port)).toEqual([7000, 7001]);
    expect(read.nodeId).toBeUndefined();
    expect(read.problem).toBe(`${file}: 4 node(s) left out (malformed, refused address, or over 2)`);
  });
});
