import type { Duplex } from 'stream';
import type { Clock } from '../../common/Clock.js';
import { ProtocolError } from '../../wire/ProtocolError.js';
import { BT_HANDSHAKE_HEAD_LENGTH, checkBtHandshakePrefix, decodeHandshakeHead, type HandshakeHead } from '../../wire/bt/Handshake.js';

/** Where an incoming connection goes once its info-hash is known: a torrent takes it, or nobody does. */
export type RouteIncoming = (head: HandshakeHead, socket: Duplex, address: string, rest: Buffer) => 'taken' | string;

export interface HandshakeRouterOptions {
  clock: Clock;
  route: RouteIncoming;
  /** A connection that has not sent its 48 bytes by then is dropped. */
  timeoutMs: number;
  /** Why a connection was dropped before any torrent took it (the debug log). */
  dropped?(address: string, why: string): void;
}

/**
 * The accepting side of BitTorrent (BEP 3; bittorrent.md: "the side that
 * accepts a connection reads the info-hash before it answers"): reads the
 * protocol string, reserved bytes and info-hash, then gives the socket to
 * the torrent with that info-hash. An unknown info-hash, another protocol or
 * silence is closed before we have said a byte, so a scanner learns nothing.
 */
export function routeHandshakes(options: HandshakeRouterOptions): (socket: Duplex, address: string) => void {
  return (socket, address) => {
    let received = Buffer.alloc(0);
    const drop = (why: string) => {
      stop();
      socket.destroy();
      options.dropped?.(address, why);
    };
    const cancelTimer = options.clock.after(options.timeoutMs, () => drop(`no handshake within ${options.timeoutMs} ms`));
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      try {
        if (received.length < BT_HANDSHAKE_HEAD_LENGTH) return checkBtHandshakePrefix(received);
        const head = decodeHandshakeHead(received.subarray(0, BT_HANDSHAKE_HEAD_LENGTH));
        stop();
        const outcome = options.route(head, socket, address, received.subarray(BT_HANDSHAKE_HEAD_LENGTH));
        if (outcome !== 'taken') drop(outcome);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        drop(error.message);
      }
    };
    const onEnd = () => drop('closed before its handshake');
    const stop = () => {
      cancelTimer();
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    // A reset or a destroy: no 'end' comes, and the timer must not outlive the socket.
    socket.on('close', onEnd);
    socket.on('error', () => socket.destroy());
  };
}
