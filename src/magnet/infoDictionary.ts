import { parseMetaInfo, type MetaInfo } from '../metainfo/MetaInfo.js';

const OPEN = Buffer.from('d4:info', 'latin1');
const CLOSE = Buffer.from('e', 'latin1');

/**
 * The MetaInfo of an info dictionary fetched for a magnet link (BEP 9), with
 * every check a .torrent gets: it is read as a .torrent holding only `info`
 * (so the info-hash is taken over the very bytes fetched). Trackers come from
 * the link, not from here. Throws a MetaInfoError naming `label` (the link).
 */
export function metaInfoFromInfoDictionary(infoDictionary: Buffer, label: string): MetaInfo {
  return parseMetaInfo(Buffer.concat([OPEN, infoDictionary, CLOSE]), label);
}
