import bencode from 'bencode';

/**
 * A .torrent for an info dictionary fetched from peers (BEP 9), with a
 * magnet link's trackers (BEP 12: a tier each). The dictionary is copied
 * byte for byte, not re-encoded: its SHA-1 is the info-hash. Keys in
 * bencode's order: announce, announce-list, info.
 */
export function torrentFileBytes(infoDictionary: Buffer, trackers: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from('d', 'latin1')];
  if (trackers.length > 0) {
    parts.push(Buffer.from('8:announce', 'latin1'), bencode.encode(trackers[0]));
    parts.push(Buffer.from('13:announce-list', 'latin1'), bencode.encode(trackers.map((tracker) => [tracker])));
  }
  parts.push(Buffer.from('4:info', 'latin1'), infoDictionary, Buffer.from('e', 'latin1'));
  return Buffer.concat(parts);
}
