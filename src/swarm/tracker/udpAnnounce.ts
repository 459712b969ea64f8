import { randomBytes } from 'crypto';
import * as dgram from 'dgram';
import { promises as dns } from 'dns';
import * as net from 'net';
import type { Cancel, Clock } from '../../common/Clock.js';
import { TrackerError, type AnnounceTransport } from './announce.js';
import { decodeUdpReply, encodeAnnounce, encodeConnect, type UdpReply } from './udpCodec.js';

export interface UdpAnnounceOptions {
  clock: Clock;
  /** The address our packets leave from (tests: 127.0.0.1). */
  localAddress?: string;
  /**
   * The wait before sending a packet again; it doubles each time. BEP 15 says
   * 15·2^n s for a client with one tracker; with tiers to fall back on (BEP
   * 12), a lost packet should cost seconds, and the whole attempt is bounded
   * by the caller's timeout anyway.
   */
  firstRetransmitMs?: number;
}

export const DEFAULT_FIRST_RETRANSMIT_MS = 3_000;

/**
 * UDP announces (BEP 15): connect, then announce with the connection id, one
 * socket per announce. Written here rather than taken from bittorrent-tracker's
 * client, whose UDP tracker runs its own re-announce timers on real time,
 * keeps the tracker's interval to itself, waits a fixed 15 s without
 * retransmitting, reports failures as untied 'warning' events, and loads a
 * WebRTC stack to do it. The codec is small and pure (udpCodec.ts).
 */
export function udpAnnouncer(options: UdpAnnounceOptions): AnnounceTransport {
  return async (url, request, signal) => {
    const tracker = await resolveTracker(url);
    signal.throwIfAborted();
    const socket = dgram.createSocket(tracker.family === 6 ? 'udp6' : 'udp4');
    // An error after the exchange that saw it has finished (a late ICMP
    // unreachable) must not become an unhandled 'error' event.
    socket.on('error', () => {});
    try {
      if (options.localAddress && net.isIP(options.localAddress) === tracker.family) await bind(socket, options.localAddress);
      const exchange = (packet: Buffer, transactionId: number) =>
        exchangeOnce({ socket, tracker, packet, transactionId, signal, clock: options.clock, firstRetransmitMs: options.firstRetransmitMs ?? DEFAULT_FIRST_RETRANSMIT_MS });
      const connectId = newTransactionId();
      const connected = await exchange(encodeConnect(connectId), connectId);
      if (connected.action !== 'connect') throw new TrackerError('bad-reply', `the tracker answered connect with ${connected.action}`);
      const announceId = newTransactionId();
      const announced = await exchange(encodeAnnounce(connected.connectionId, announceId, request), announceId);
      if (announced.action !== 'announce') throw new TrackerError('bad-reply', `the tracker answered announce with ${announced.action}`);
      return { intervalS: announced.intervalS, peers: announced.peers };
    } finally {
      socket.close();
    }
  };
}

/** Transaction ids are BEP 15's defence against forged replies: from the system's strong randomness. */
function newTransactionId(): number {
  return randomBytes(4).readUInt32BE(0);
}

interface ResolvedTracker {
  address: string;
  port: number;
  family: 4 | 6;
}

async function resolveTracker(url: URL): Promise<ResolvedTracker> {
  const port = Number(url.port);
  if (!port) throw new TrackerError('network', 'a udp:// tracker URL needs a port');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = net.isIP(host);
  if (literal) return { address: host, port, family: literal as 4 | 6 };
  try {
    const found = await dns.lookup(host);
    return { address: found.address, port, family: found.family as 4 | 6 };
  } catch (error) {
    throw new TrackerError('network', `cannot resolve ${host}: ${(error as Error).message}`);
  }
}

function bind(socket: dgram.Socket, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

interface Exchange {
  socket: dgram.Socket;
  tracker: ResolvedTracker;
  packet: Buffer;
  transactionId: number;
  signal: AbortSignal;
  clock: Clock;
  firstRetransmitMs: number;
}

/**
 * Sends one request until its reply comes: again after firstRetransmitMs,
 * then twice that, and so on, until the caller aborts. Packets from anyone but
 * the tracker, and replies to another transaction, are ignored (BEP 15): a
 * stray packet cannot end the announce. An error action is the tracker's refusal.
 */
function exchangeOnce(exchange: Exchange): Promise<UdpReply> {
  const { socket, tracker, signal } = exchange;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    let cancelResend: Cancel = () => {};
    const finish = (outcome: () => void) => {
      cancelResend();
      socket.off('message', onMessage).off('error', onError);
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const onMessage = (packet: Buffer, from: dgram.RemoteInfo) => {
      if (from.address !== tracker.address || from.port !== tracker.port) return;
      let reply: UdpReply;
      try {
        reply = decodeUdpReply(packet, tracker.family === 6);
      } catch (error) {
        return finish(() => reject(error));
      }
      if (reply.transactionId !== exchange.transactionId) return;
      if (reply.action === 'error') return finish(() => reject(new TrackerError('failure-reason', `the tracker refused: ${reply.message}`)));
      finish(() => resolve(reply));
    };
    const onError = (error: Error) => finish(() => reject(new TrackerError('network', error.message)));
    const onAbort = () => finish(() => reject(signal.reason));
    const send = (attempt: number) => {
      socket.send(exchange.packet, tracker.port, tracker.address);
      cancelResend = exchange.clock.after(exchange.firstRetransmitMs * 2 ** attempt, () => send(attempt + 1));
    };
    socket.on('message', onMessage).on('error', onError);
    signal.addEventListener('abort', onAbort);
    send(0);
  });
}
