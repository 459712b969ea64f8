/** BEP 5: a node heard of from a peer's `port` message is pinged and, if it answers and our policy accepts its address, added to the routing table. */
import { jest } from '@jest/globals';
import { DhtNode } from '../../src/dht/DhtNode.js';
import { systemClock } from '../../src/common/Clock.js';
import { eventually } from '../support/polling.js';
import { RecordingDiagnostics } from '../support/RecordingDiagnostics.js';
import { LOOPBACK } from '../support/sockets.js';
import { startNode, stopAll, tableHas } from './dhtHarness.js';

test('a node added by its address joins the routing table once it answered the ping', async () => {
  const [a, b] = [await startNode({ bootstrap: [] }), await startNode({ bootstrap: [] })];
  try {
    expect(tableHas(a.node, { port: b.port })).toBe(false);
    a.node.addNode(LOOPBACK, b.port);
    await eventually(() => tableHas(a.node, { port: b.port }), 'b in a\'s routing table');
  } finally {
    await stopAll([a, b]);
  }
});

test('an address the policy refuses, a bad port, or a node not running: the library is never asked to ping it', async () => {
  // The default policy: public addresses only, so 127.0.0.1 is refused.
  const strict = new DhtNode({ port: 0, bindAddress: LOOPBACK, bootstrap: [], clock: systemClock, diagnostics: new RecordingDiagnostics() });
  try {
    strict.addNode(LOOPBACK, 6881); // not started yet: ignored, and no library to ask
    await strict.start();
    const library = (strict as unknown as { dht: { addNode(node: unknown): void } }).dht;
    // Replaced, not wrapped: the test sends nothing to any address but 127.0.0.1.
    const asked = jest.spyOn(library, 'addNode').mockImplementation(() => {});
    strict.addNode(LOOPBACK, 6881);
    strict.addNode('198.51.100.7', 0);
    strict.addNode('198.51.100.7', 70_000);
    expect(asked).not.toHaveBeenCalled();
    strict.addNode('198.51.100.7', 6881); // a public address: asked (and the guard limits what is sent)
    expect(asked).toHaveBeenCalledWith({ host: '198.51.100.7', port: 6881 });
  } finally {
    await strict.stop();
  }
});
