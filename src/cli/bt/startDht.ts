import * as path from 'path';
import type { Clock } from '../../common/Clock.js';
import type { DhtNode } from '../../dht/DhtNode.js';
import type { DhtAddress } from '../../dht/bootstrapNodes.js';
import type { Diagnostics } from '../../log/DiagnosticLog.js';
import { isLoopback } from '../../net/hosts.js';

export interface DhtArgs {
  /** False with --no-dht. */
  dht: boolean;
  /** The UDP port of our DHT node (default: the peer port, as clients do). */
  dhtPort?: number;
  /** --dht-bootstrap, parsed (default: the public routers). */
  dhtBootstrap?: DhtAddress[];
  port: number;
  bind?: string;
  dir: string;
  /** Where the routing table is kept between runs (default DIR/.swarmlab/dht.json). */
  routingTableFile?: string;
}

/**
 * The session's DHT node (BEP 5), started; undefined with --no-dht, for a
 * private torrent (BEP 27: its trackers only), or when it cannot listen (a
 * warning says why, and the transfer goes on with its trackers). Its routing
 * table is kept in DIR/.swarmlab/dht.json, so a restart does not bootstrap
 * from nothing. The DHT's code is loaded only here: a transfer without it
 * does not pay its memory.
 */
export async function startDht(args: DhtArgs, isPrivate: boolean, clock: Clock, diagnostics: Diagnostics): Promise<DhtNode | undefined> {
  if (!args.dht || isPrivate) return undefined;
  const [{ DhtNode, SHARED_ADDRESS_LIMITS }, { isPublicOrLoopback }] = await Promise.all([import('../../dht/DhtNode.js'), import('../../dht/addressPolicy.js')]);
  const local = onLoopback(args);
  const node = new DhtNode({
    port: args.dhtPort ?? args.port,
    bindAddress: args.bind,
    bootstrap: args.dhtBootstrap,
    routingTableFile: args.routingTableFile ?? path.join(args.dir, '.swarmlab', 'dht.json'),
    clock,
    diagnostics,
    // A node bound to loopback, or told to start from loopback nodes, is in a local experiment: it
    // talks to 127.0.0.1 (the default refuses every address that is not public), where every node shares one address.
    ...(local ? { accepts: isPublicOrLoopback, limits: SHARED_ADDRESS_LIMITS } : {}),
  });
  const started = await node.start();
  if (started.listening) return node;
  diagnostics.warn(`the DHT is off: ${started.reason}`);
  return undefined;
}

function onLoopback(args: DhtArgs): boolean {
  return (args.bind !== undefined && isLoopback(args.bind)) || (args.dhtBootstrap?.some((node) => isLoopback(node.host)) ?? false);
}
