import type { DiagnosticLevel, Diagnostics } from '../../src/log/DiagnosticLog.js';
import { DEFAULT_WAIT_MS, Waiters } from './waiting.js';

export interface DiagnosticEntry {
  level: DiagnosticLevel;
  message: string;
}

/**
 * Diagnostics that print nothing and keep every entry in order. PeerNode's
 * wire trace goes here at debug level ("to 1: request 5", "from 1: piece 5 (64
 * bytes)"), written synchronously as the node sends and reads, so a test can
 * check the order of what the node did without racing the network.
 */
export class RecordingDiagnostics implements Diagnostics {
  readonly entries: DiagnosticEntry[] = [];
  private readonly waiters = new Waiters();

  error(message: string): void {
    this.record('error', message);
  }
  warn(message: string): void {
    this.record('warn', message);
  }
  info(message: string): void {
    this.record('info', message);
  }
  debug(message: string): void {
    this.record('debug', message);
  }

  at(level: DiagnosticLevel): string[] {
    return this.entries.filter((e) => e.level === level).map((e) => e.message);
  }

  /** The wire trace with one neighbour: ['sent', 'request 5'], ['received', 'piece 5 (64 bytes)'], ... */
  traceWith(peerId: number): { direction: 'sent' | 'received'; description: string }[] {
    const out: { direction: 'sent' | 'received'; description: string }[] = [];
    const sent = `to ${peerId}: `;
    const received = `from ${peerId}: `;
    for (const { level, message } of this.entries) {
      if (level !== 'debug') continue;
      if (message.startsWith(sent)) out.push({ direction: 'sent', description: message.slice(sent.length) });
      else if (message.startsWith(received)) out.push({ direction: 'received', description: message.slice(received.length) });
    }
    return out;
  }

  waitFor(fragment: string, timeoutMs = DEFAULT_WAIT_MS): Promise<DiagnosticEntry> {
    return this.waiters.until(
      () => this.entries.find((e) => e.message.includes(fragment)),
      () => `a diagnostic containing "${fragment}"`,
      timeoutMs,
    );
  }

  private record(level: DiagnosticLevel, message: string): void {
    this.entries.push({ level, message });
    this.waiters.notify();
  }
}

/** Diagnostics that drop everything. */
export const silentDiagnostics: Diagnostics = {
  error: () => {},
  warn: () => {},
  info: () => {},
  debug: () => {},
};
