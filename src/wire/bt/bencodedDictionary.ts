import { BDict, BdecodeError, bdecodePrefix, type BdecodeLimits, type BValue } from '../../core/bencode/bdecode.js';
import { ProtocolError } from '../ProtocolError.js';

/**
 * The bencoded dictionary at the start of an extended message's payload
 * (BEP 10's handshake, ut_metadata, ut_pex), decoded within `limits`, and
 * where it ends (ut_metadata's data follows it). Malformed bencode is
 * 'bad-bencode'; another value than a dictionary is 'bad-extension-message'.
 * `what` names the message in the error ('ut_pex (BEP 11)').
 */
export function decodeDictionaryPrefix(payload: Buffer, limits: BdecodeLimits, what: string): { dictionary: BDict; end: number } {
  let decoded: { value: BValue; end: number };
  try {
    decoded = bdecodePrefix(payload, limits);
  } catch (error) {
    if (!(error instanceof BdecodeError)) throw error;
    throw new ProtocolError('bad-bencode', `${what}: bencoded dictionary: ${error.message}`, { offset: error.position });
  }
  if (!(decoded.value instanceof BDict)) throw new ProtocolError('bad-extension-message', `${what}: the message is not a bencoded dictionary`);
  return { dictionary: decoded.value, end: decoded.end };
}
