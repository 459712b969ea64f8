import * as net from 'net';
import type { Duplex } from 'stream';

/** The size libuv reads at most at once: one buffer of it serves every read of a socket. */
const READ_BUFFER_BYTES = 64 * 1024;

const reusing = new WeakSet<Duplex>();

/**
 * A TCP connection that reads into one buffer of its own instead of a fresh
 * 64 KiB buffer per read (Node's `onread`): on a 1 GiB download that is
 * 16,000 allocations, their page faults and their garbage fewer. Its 'data'
 * chunks are views of that buffer, valid until the listener returns: a
 * reader keeping bytes must copy them (MessageReader.releaseChunks).
 * Node offers this for sockets it dials, not for those a server accepts.
 */
export function connectReadingIntoOneBuffer(options: net.TcpNetConnectOpts): net.Socket {
  const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  const socket: net.Socket = net.connect({
    ...options,
    onread: {
      buffer,
      callback: (bytes: number, into: Uint8Array) => {
        socket.emit('data', Buffer.from(into.buffer, into.byteOffset, bytes));
        return true;
      },
    },
  });
  reusing.add(socket);
  return socket;
}

/** Whether `socket`'s 'data' chunks are views of a buffer it reuses. */
export function readsIntoOneBuffer(socket: Duplex): boolean {
  return reusing.has(socket);
}
