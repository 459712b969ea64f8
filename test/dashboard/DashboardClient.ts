import WebSocket from 'ws';
import type { ServerMessage } from '../../src/dashboard/messages.js';
import { Waiters, withTimeout } from '../support/waiting.js';

/** A `ws` client of the dashboard that records every message and waits on them. */
export class DashboardClient {
  readonly messages: ServerMessage[] = [];
  closeCode: number | undefined;
  private readonly waiters = new Waiters();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
      this.waiters.notify();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.waiters.notify();
    });
  }

  /** Connects as the dashboard's own page would: its Origin is the dashboard's. */
  static async open(port: number, origin = `http://127.0.0.1:${port}`): Promise<DashboardClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin });
    const client = new DashboardClient(socket);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      }),
      'the WebSocket to open',
    );
    return client;
  }

  /** Text and Buffers as they are (a Buffer as a binary frame), anything else as JSON text. */
  send(message: unknown): void {
    this.socket.send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
  }

  /** The first message (from `from` on) of this type that passes `match`. */
  next<T extends ServerMessage['type']>(type: T, match: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true, from = 0): Promise<Extract<ServerMessage, { type: T }>> {
    return this.waiters.until(
      () => this.messages.slice(from).find((m): m is Extract<ServerMessage, { type: T }> => m.type === type && match(m as Extract<ServerMessage, { type: T }>)),
      () => `a '${type}' message; got ${JSON.stringify(this.messages.map((m) => m.type))}`,
    );
  }

  /** The reply (result or error) to the command with this id. */
  reply(id: number): Promise<ServerMessage> {
    return this.waiters.until(
      () => this.messages.find((m) => (m.type === 'result' || m.type === 'error') && m.id === id),
      () => `the reply to command ${id}; got ${JSON.stringify(this.messages.slice(-5))}`,
    );
  }

  closed(): Promise<number> {
    return this.waiters.until(() => this.closeCode, 'the server to close the WebSocket');
  }

  close(): void {
    this.socket.close();
  }
}
