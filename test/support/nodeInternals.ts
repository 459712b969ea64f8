import type * as net from 'net';
import type { PeerConnection } from '../../src/net/PeerConnection';
import type { FrameReader } from '../../src/wire/FrameReader';
import type { TestNode } from './nodeHarness';

/*
 * Read-only peeks into a running PeerNode for resource assertions that cannot
 * be made from the wire: how many bytes the node holds for one neighbour, in
 * and out. They reach private fields by name, so a rename in src breaks them
 * loudly (the helpers throw) rather than silently.
 */

interface ConnectionInternals {
  options: { socket: net.Socket };
  reader: FrameReader;
}

/** Every PeerConnection the node holds right now (handshaking, open or closing). */
export function connectionsOf(node: TestNode): PeerConnection[] {
  const connections = (node.node as unknown as { connections?: Set<PeerConnection> }).connections;
  if (!(connections instanceof Set)) throw new Error('PeerNode no longer keeps its connections in a Set named "connections"');
  return [...connections];
}

/** The open connection with this neighbour, if any. */
export function openConnectionWith(node: TestNode, peerId: number): PeerConnection | undefined {
  return connectionsOf(node).find((c) => c.remotePeerId === peerId && c.state === 'open');
}

/** The node's own socket for one connection. */
export function nodeSocketOf(connection: PeerConnection): net.Socket {
  const socket = (connection as unknown as ConnectionInternals).options?.socket;
  if (!socket) throw new Error('PeerConnection no longer keeps its socket at options.socket');
  return socket;
}

/** Inbound bytes the connection holds while a frame is incomplete. */
export function inboundBufferedBytes(connection: PeerConnection): number {
  const reader = (connection as unknown as ConnectionInternals).reader;
  if (!reader) throw new Error('PeerConnection no longer keeps its FrameReader at reader');
  return reader.bufferedBytes;
}
