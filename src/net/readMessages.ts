import type { MessageReader } from '../wire/MessageReader.js';
import { ProtocolError } from '../wire/ProtocolError.js';
import type { InboundGuard } from './InboundGuard.js';
import type { DisconnectReason } from './ProtocolHandlers.js';
import type { SocketLifecycle } from './SocketLifecycle.js';

/** What a connection of either dialect gives the read loop. */
export interface MessageLoop<M> {
  reader: MessageReader<M>;
  guard: InboundGuard;
  life: SocketLifecycle;
  /** Reads the dialect's handshake; true once it is read and accepted. */
  readHandshake(): boolean;
  /** The violation that closes the connection, or undefined (the dialect's rules on a decoded message). */
  violation(message: M): ProtocolError | undefined;
  /** For the debug trace. */
  received?(message: M): void;
  dispatch(message: M): void;
  close(reason: DisconnectReason): void;
}

/**
 * One socket chunk, whatever the dialect: queued, the handshake read while it
 * is due, then every complete message checked and handed on while the
 * connection stays open; a frame left unfinished is watched for a stall. A
 * protocol violation closes the connection with its code.
 */
export function readMessages<M>(loop: MessageLoop<M>, chunk: Buffer): void {
  const { reader, guard, life } = loop;
  try {
    reader.push(chunk);
    if (life.state === 'handshaking' && !loop.readHandshake()) return;
    for (let message = reader.readMessage(); message; message = reader.readMessage()) {
      guard.countMessage();
      const broken = loop.violation(message);
      if (broken) throw broken;
      loop.received?.(message);
      loop.dispatch(message);
      if (life.state !== 'open') return;
    }
    guard.watchForStall(
      () => life.state === 'open' && reader.bufferedBytes > 0,
      (timeoutMs) => loop.close({ kind: 'protocol-violation', code: 'stalled-frame', message: `no frame completed in ${timeoutMs} ms` }),
    );
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    loop.close({ kind: 'protocol-violation', code: error.code, message: error.message });
  }
}
