import * as net from 'net';
import { PeerConnection } from '../../src/net/PeerConnection.js';
import { FrameReader } from '../../src/wire/course/FrameReader.js';
import type { TestNode } from './nodeHarness.js';

/*
 * Read-only peeks into a running PeerNode for resource assertions that cannot
 * be made from the wire: how many bytes the node holds for one neighbour, in
 * and out. Nothing here names a private field: the objects are found by class
 * (PeerConnection, net.Socket, FrameReader) in the node's object graph, so a
 * refactor that moves them keeps these working; if one can no longer be
 * found, the helper throws, loudly.
 */

/** Every object reachable from `root` (own fields, arrays, Sets, Maps; not into sockets or buffers) that matches. */
function findAll<T>(root: object, match: (value: unknown) => value is T, maxDepth = 5): T[] {
  const found = new Set<T>();
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if (match(value)) {
      found.add(value);
      return;
    }
    if (depth >= maxDepth || value instanceof net.Socket || Buffer.isBuffer(value) || value instanceof Promise) return;
    const children: unknown[] = Array.isArray(value)
      ? value
      : value instanceof Set
        ? [...value]
        : value instanceof Map
          ? [...value.values()]
          : Object.values(value);
    for (const child of children) visit(child, depth + 1);
  };
  visit(root, 0);
  return [...found];
}

/** Every PeerConnection the node holds right now (handshaking, open or closing). */
export function connectionsOf(node: TestNode): PeerConnection[] {
  return findAll(node.node, (v): v is PeerConnection => v instanceof PeerConnection);
}

/** The open connection with this neighbour, if any. */
export function openConnectionWith(node: TestNode, peerId: number): PeerConnection | undefined {
  return connectionsOf(node).find((c) => c.remotePeerId === peerId && c.state === 'open');
}

function only<T>(items: T[], what: string): T {
  if (items.length !== 1) throw new Error(`expected one ${what} inside the PeerConnection, found ${items.length}`);
  return items[0];
}

/** The node's own socket for one connection. */
export function nodeSocketOf(connection: PeerConnection): net.Socket {
  return only(findAll(connection, (v): v is net.Socket => v instanceof net.Socket, 2), 'socket');
}

/** Inbound bytes the connection holds while a frame is incomplete. */
export function inboundBufferedBytes(connection: PeerConnection): number {
  return only(findAll(connection, (v): v is FrameReader => v instanceof FrameReader, 2), 'FrameReader').bufferedBytes;
}
