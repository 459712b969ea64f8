/** The accepting side's router (src/net/bt/HandshakeRouter.ts), over an in-memory duplex with a ManualClock. */
import { routeHandshakes } from '../../../src/net/bt/HandshakeRouter.js';
import { encodeBtHandshake } from '../../../src/wire/bt/index.js';
import { duplexPair } from '../../support/duplexPair.js';
import { ManualClock } from '../../support/ManualClock.js';
import { turnEventLoop } from '../../support/waiting.js';

describe('routeHandshakes', () => {
  test('a socket destroyed before its handshake (a reset, or the session closing) is forgotten at once: logged once, no timer left', async () => {
    const clock = new ManualClock(0);
    const dropped: string[] = [];
    const route = routeHandshakes({ clock, timeoutMs: 10_000, route: () => 'taken', dropped: (address, why) => dropped.push(`${address}: ${why}`) });
    const [ours, theirs] = duplexPair();
    route(ours, 'peer:1');
    theirs.write(encodeBtHandshake({ capabilities: { extended: false, fast: false, dht: false }, infoHash: Buffer.alloc(20, 1), peerId: Buffer.alloc(20, 2) }).subarray(0, 30));
    await turnEventLoop(2);
    ours.destroy();
    await turnEventLoop(2);
    expect(dropped).toEqual(['peer:1: closed before its handshake']);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(10_000);
    expect(dropped).toHaveLength(1);
  });
});
