import * as net from 'net';
import { freePorts } from '../../src/net/freePorts.js';
import { withTimeout } from './waiting.js';

/** The only address tests use. */
export const LOOPBACK = '127.0.0.1';

/** Listens on 127.0.0.1 with a port chosen by the OS; resolves with the server and that port. */
export function listenOnLoopback(onSocket: (socket: net.Socket) => void): Promise<{ server: net.Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ noDelay: true }, onSocket);
    server.once('error', reject);
    server.listen({ port: 0, host: LOOPBACK, exclusive: true }, () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as net.AddressInfo).port });
    });
  });
}

/** Stops listening; resolves once every connection it accepted has closed too. */
export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}

/**
 * A port on 127.0.0.1 that was free a moment ago: the OS picks it, we release
 * it. For code (PeerNode) that must be told its port before it listens.
 */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port;
}

/** Two ends of one real TCP connection on 127.0.0.1: [the dialling side, the accepting side]. */
export async function socketPair(): Promise<[net.Socket, net.Socket]> {
  let accept!: (socket: net.Socket) => void;
  const accepted = new Promise<net.Socket>((resolve) => (accept = resolve));
  const { server, port } = await listenOnLoopback((socket) => accept(socket));
  try {
    const dialled = net.connect({ host: LOOPBACK, port, noDelay: true });
    const connected = new Promise<void>((resolve, reject) => {
      dialled.once('connect', () => resolve());
      dialled.once('error', reject);
    });
    const [, acceptedSocket] = await withTimeout(Promise.all([connected, accepted]), 'a loopback socket pair');
    return [dialled, acceptedSocket];
  } finally {
    // Stop listening; not awaited: close() calls back only once the pair itself has closed.
    server.close();
  }
}

/** Resolves once the socket has fully closed (at once if it already has). */
export function socketClosed(socket: net.Socket): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}
