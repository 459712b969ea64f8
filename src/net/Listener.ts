import * as net from 'net';

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly host: string | undefined,
  ) {
    super(`port ${port}${host ? ` on ${host}` : ''} is already in use`);
  }
}

/** Listens for neighbours listed after us; resolves once the port is bound. */
export function listen(port: number, host: string | undefined, onSocket: (socket: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ noDelay: true }, onSocket);
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, host) : error);
    });
    server.listen({ port, host, exclusive: true }, () => resolve(server));
  });
}

export function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
