import { promises as fs } from 'fs';
import * as path from 'path';
import type { DhtContact } from 'bittorrent-dht';
import { replaceAtomically } from '../storage/atomicFile.js';
import type { AddressPolicy } from './addressPolicy.js';

/** The nodes of our routing table, saved so that a restart starts from them (BEP 5: a client should keep its table between runs). */
export type SavedNode = Required<DhtContact>;

/** Our node id and our routing table's nodes, as the last run left them. */
export interface SavedTable {
  /** Kept too: the saved nodes know us by it, and it places us where our table was built. */
  nodeId?: Buffer;
  nodes: SavedNode[];
}

export type RoutingTableRead = SavedTable & { problem?: string };

const FORMAT = 1;

/** Writes the table atomically (temp file, fsync, rename): a crash leaves the old table or the new one. */
export async function saveRoutingTable(file: string, table: SavedTable): Promise<void> {
  const nodes = table.nodes.map((node) => ({ id: node.id.toString('hex'), host: node.host, port: node.port }));
  await fs.mkdir(path.dirname(file), { recursive: true }); // a first run may save before anything else made the folder
  await replaceAtomically(file, `${JSON.stringify({ format: FORMAT, nodeId: table.nodeId?.toString('hex'), nodes })}\n`);
}

/**
 * The saved nodes, at most `limit`, those the address policy refuses or that
 * are malformed left out. A missing file is a first run (no problem); an
 * unreadable one yields no nodes and says why: the table is a cache, never a
 * reason not to start.
 */
export async function loadRoutingTable(file: string, accepts: AddressPolicy, limit: number): Promise<RoutingTableRead> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { nodes: [] };
    return { nodes: [], problem: `${file}: cannot be read (${(error as Error).message})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { nodes: [], problem: `${file}: not JSON (${(error as Error).message})` };
  }
  const saved = value as { format?: unknown; nodeId?: unknown; nodes?: unknown } | null;
  if (saved?.format !== FORMAT || !Array.isArray(saved.nodes)) return { nodes: [], problem: `${file}: not a routing table of format ${FORMAT}` };
  const nodes = saved.nodes.flatMap((entry: unknown) => savedNode(entry, accepts)).slice(0, limit);
  const nodeId = isNodeId(saved.nodeId) ? { nodeId: Buffer.from(saved.nodeId, 'hex') } : {};
  const leftOut = saved.nodes.length - nodes.length;
  return leftOut > 0 ? { ...nodeId, nodes, problem: `${file}: ${leftOut} node(s) left out (malformed, refused address, or over ${limit})` } : { ...nodeId, nodes };
}

function savedNode(entry: unknown, accepts: AddressPolicy): SavedNode[] {
  const { id, host, port } = (entry ?? {}) as { id?: unknown; host?: unknown; port?: unknown };
  if (!isNodeId(id)) return [];
  if (typeof host !== 'string' || !accepts(host)) return [];
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return [];
  return [{ id: Buffer.from(id, 'hex'), host, port }];
}

/** A 20-byte node id in hex (BEP 5). */
function isNodeId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{40}$/i.test(value);
}
