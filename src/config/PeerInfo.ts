import { ConfigError } from './ConfigError.js';
import { readConfigLines } from './lineReader.js';
import { parseIntegerInRange } from './values.js';

/** One line of PeerInfo.cfg. */
export interface PeerInfo {
  /** Sent in the handshake as a 4-byte unsigned integer. */
  peerId: number;
  host: string;
  port: number;
  /** Whether this peer starts with the whole file. */
  hasFile: boolean;
  /** Where it was listed, for messages that point back at the file. */
  line: number;
}

export const MAX_PEER_ID = 0xffffffff;

const FIELDS = 'peerId host port hasFile';

/**
 * Parses PeerInfo.cfg, keeping the file's order: each peer dials every peer
 * listed before it, so the order is part of the meaning.
 */
export function parsePeerInfo(text: string, fileLabel: string): PeerInfo[] {
  const peers: PeerInfo[] = [];
  const lineOfId = new Map<number, number>();
  const lineOfAddress = new Map<string, number>();

  for (const { line, fields } of readConfigLines(text)) {
    const fail = (key: string | undefined, problem: string): never => {
      throw new ConfigError(fileLabel, line, key, problem);
    };
    if (fields.length !== 4) {
      fail(undefined, `expected 4 fields (${FIELDS}), got ${fields.length}: '${fields.join(' ')}'`);
    }
    const [idText, host, portText, hasFileText] = fields;

    const peerId =
      parseIntegerInRange(idText, 0, MAX_PEER_ID) ??
      fail('peerId', `expected a whole number from 0 to ${MAX_PEER_ID}, got '${idText}'`);
    const port =
      parseIntegerInRange(portText, 1, 65535) ?? fail('port', `expected a port from 1 to 65535, got '${portText}'`);
    if (hasFileText !== '1' && hasFileText !== '0') fail('hasFile', `expected 1 or 0, got '${hasFileText}'`);

    const idLine = lineOfId.get(peerId);
    if (idLine !== undefined) fail('peerId', `duplicate peer ID ${peerId} (first listed on line ${idLine})`);
    lineOfId.set(peerId, line);

    // Host names are case-insensitive. Different spellings of one machine
    // (localhost vs 127.0.0.1) are not caught: that would need DNS.
    const address = formatAddress(host.toLowerCase(), port);
    const addressLine = lineOfAddress.get(address);
    if (addressLine !== undefined) {
      fail(undefined, `duplicate address ${formatAddress(host, port)} (first listed on line ${addressLine})`);
    }
    lineOfAddress.set(address, line);

    peers.push({ peerId, host, port, hasFile: hasFileText === '1', line });
  }

  if (peers.length === 0) throw new ConfigError(fileLabel, undefined, undefined, 'no peers listed');
  return peers;
}

/** host:port, with an IPv6 literal bracketed so the port stays readable. */
function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
