import * as dgram from 'dgram';
import * as http from 'http';
import * as net from 'net';
import { LOOPBACK } from '../support/sockets.js';
import { Waiters } from '../support/waiting.js';

/**
 * A tiny HTTP tracker on 127.0.0.1 that answers as the test scripts it (a
 * broken or hostile one) and keeps the query of every request it got.
 */
export class FakeHttpTracker {
  readonly queries: URLSearchParams[] = [];
  private readonly waiters = new Waiters();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(respond: (res: http.ServerResponse, query: URLSearchParams) => void): Promise<FakeHttpTracker> {
    let tracker!: FakeHttpTracker;
    const server = http.createServer((req, res) => {
      const query = new URLSearchParams(req.url?.split('?')[1] ?? '');
      tracker.queries.push(query);
      tracker.waiters.notify();
      respond(res, query);
    });
    await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
    tracker = new FakeHttpTracker(server, `http://${LOOPBACK}:${(server.address() as net.AddressInfo).port}/announce`);
    return tracker;
  }

  /** Resolves once `count` requests have come. */
  received(count: number): Promise<URLSearchParams> {
    return this.waiters.until(() => this.queries[count - 1], `request ${count} at ${this.url}`);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A UDP tracker on 127.0.0.1 whose every answer the test writes; it keeps each packet it got. */
export class FakeUdpTracker {
  readonly packets: Buffer[] = [];
  private readonly waiters = new Waiters();

  private constructor(
    private readonly socket: dgram.Socket,
    readonly url: string,
  ) {}

  /** `respond` gets each packet and a function that sends a reply to its sender. */
  static async start(respond: (packet: Buffer, reply: (bytes: Buffer) => void) => void): Promise<FakeUdpTracker> {
    let tracker!: FakeUdpTracker;
    const socket = dgram.createSocket('udp4');
    socket.on('message', (packet, from) => {
      tracker.packets.push(packet);
      tracker.waiters.notify();
      respond(packet, (bytes) => socket.send(bytes, from.port, from.address));
    });
    await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
    tracker = new FakeUdpTracker(socket, `udp://${LOOPBACK}:${socket.address().port}`);
    return tracker;
  }

  received(count: number): Promise<Buffer> {
    return this.waiters.until(() => this.packets[count - 1], `packet ${count} at ${this.url}`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** BEP 15 replies, written by hand so the tests do not lean on the code under test. */
export const udpReply = {
  connect(request: Buffer, connectionId = Buffer.from('c0ffee00c0ffee00', 'hex')): Buffer {
    return Buffer.concat([u32(0), request.subarray(12, 16), connectionId]);
  },
  announce(request: Buffer, intervalS: number, peers: Buffer): Buffer {
    return Buffer.concat([u32(1), request.subarray(12, 16), u32(intervalS), u32(0), u32(0), peers]);
  },
  error(request: Buffer, message: string): Buffer {
    return Buffer.concat([u32(3), request.subarray(12, 16), Buffer.from(message)]);
  },
};

/** The action of a client's BEP 15 request: 0 connect, 1 announce. */
export function udpAction(request: Buffer): number {
  return request.readUInt32BE(8);
}

function u32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

/** Compact (BEP 23) entries: 127.0.0.x:port. */
export function compactPeers(...peers: [lastOctet: number, port: number][]): Buffer {
  return Buffer.concat(peers.map(([lastOctet, port]) => Buffer.from([127, 0, 0, lastOctet, port >> 8, port & 0xff])));
}
