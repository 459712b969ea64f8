import * as net from 'net';
import { encodeHandshake, encodeMessage, maxMessageLength, type Message } from '../wire/index.js';
import { StreamParser, type ConnectionRecord, type WireUnit } from './WireRecord.js';

/** The scenario is over (out of time, or the peer closed): scripts stop where they are. */
export class ScriptEnded extends Error {}

/**
 * One of our scripted neighbours on one TCP connection with the peer under
 * test: it sends what its script says and records every byte both ways, with
 * times from the scenario's clock, as a ConnectionRecord for the rules.
 */
export class ScriptedNeighbour {
  readonly record: ConnectionRecord;
  private readonly fromPeer: StreamParser;
  private readonly fromUs: StreamParser;
  private readonly wakers = new Set<() => void>();
  private cursor = 0;
  closed = false;

  constructor(
    private readonly socket: net.Socket,
    label: string,
    ourId: number,
    pieceSize: number,
    private readonly clock: () => number,
    private readonly deadlineMs: number,
  ) {
    this.record = { label, ourId, units: [] };
    this.fromPeer = new StreamParser('peer', maxMessageLength(pieceSize));
    this.fromUs = new StreamParser('us', maxMessageLength(pieceSize));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.note(this.fromPeer.push(chunk, this.clock())));
    socket.on('error', () => {}); // a reset shows as 'close'
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  sendHandshake(): void {
    this.sendBytes(encodeHandshake(this.record.ourId));
  }

  send(...messages: Message[]): void {
    this.sendBytes(Buffer.concat(messages.map((m) => encodeMessage(m))));
  }

  sendBytes(bytes: Buffer): void {
    if (this.closed) return;
    this.socket.write(bytes);
    this.note(this.fromUs.push(bytes, this.clock()));
  }

  /** The peer's next unit not yet read; ScriptEnded once the connection closed or time ran out. */
  nextFromPeer(): Promise<WireUnit> {
    return this.until(() => this.nextUnread());
  }

  /** As nextFromPeer, but undefined once the scenario's clock reaches `untilMs` with nothing read (a script's pause). */
  async nextFromPeerBy(untilMs: number): Promise<WireUnit | undefined> {
    let timeUp = false; // the timer's word, not the clock's: a timer may fire a fraction of a millisecond early
    const timer = setTimeout(() => {
      timeUp = true;
      this.wake();
    }, Math.max(0, untilMs - this.clock()));
    try {
      return await this.nextFromPeerUnless(() => timeUp);
    } finally {
      clearTimeout(timer);
    }
  }

  /** As nextFromPeer, but undefined once `stop` holds with nothing read; asked again at each unit and at each poke. */
  async nextFromPeerUnless(stop: () => boolean): Promise<WireUnit | undefined> {
    return (await this.until(() => this.nextUnread() ?? (stop() ? null : undefined))) ?? undefined;
  }

  /** Has the waits on this connection look again: another neighbour's script changed what they wait for. */
  poke(): void {
    this.wake();
  }

  /** The scenario's clock. */
  nowMs(): number {
    return this.clock();
  }

  /**
   * Resolves with the probe's first defined value, re-asked on each unit and
   * on close; ScriptEnded at close or after `timeoutMs` (by default, at the scenario's deadline).
   */
  until<T>(probe: () => T | undefined, timeoutMs = this.deadlineMs - this.clock()): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(() => reject(new ScriptEnded('out of time'))), Math.max(0, timeoutMs));
      const check = () => {
        const value = probe();
        if (value !== undefined) finish(() => resolve(value));
        else if (this.closed) finish(() => reject(new ScriptEnded('the peer closed the connection')));
      };
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.wakers.delete(check);
        settle();
      };
      this.wakers.add(check);
      check();
    });
  }

  /** Resolves after `ms`, or at once when the connection closes (a pause in the script). */
  pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(check);
        resolve();
      };
      const check = () => this.closed && done();
      const timer = setTimeout(done, ms);
      this.wakers.add(check);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private nextUnread(): WireUnit | undefined {
    while (this.cursor < this.record.units.length) {
      const unit = this.record.units[this.cursor++];
      if (unit.side === 'peer') return unit;
    }
    return undefined;
  }

  private note(units: WireUnit[]): void {
    this.record.units.push(...units);
    if (units.length > 0) this.wake();
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }
}
