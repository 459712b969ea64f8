import { CLIENT_CODE } from './PeerId.js';

/**
 * Names for the two-character codes of Azureus-style peer ids (BEP 20): the
 * common clients, and the decoding of their 4 version characters where it
 * is not one base-36 digit a part, as most do it.
 */
const AZUREUS_CLIENTS: Readonly<Record<string, { name: string; version?: (chars: string) => string }>> = {
  [CLIENT_CODE]: { name: 'swarmlab' },
  LT: { name: 'libtorrent' }, // rasterbar's, under qBittorrent, Deluge and python3-libtorrent
  lt: { name: 'libTorrent' }, // rakshasa's, under rtorrent
  qB: { name: 'qBittorrent' },
  TR: { name: 'Transmission' },
  DE: { name: 'Deluge' },
  UT: { name: 'µTorrent' },
  UM: { name: 'µTorrent Mac' },
  BT: { name: 'BitTorrent' },
  BC: { name: 'BitComet' },
  AZ: { name: 'Vuze' },
  BI: { name: 'BiglyBT' },
  KT: { name: 'KTorrent' },
  FD: { name: 'Free Download Manager' },
  XL: { name: 'Xunlei' },
  WW: { name: 'WebTorrent', version: decimalPairs },
  WD: { name: 'WebTorrent Desktop', version: decimalPairs },
};

/** Ids that spell major, minor and patch in decimal between dashes. */
const DASHED_VERSIONS: readonly { pattern: RegExp; name: string }[] = [
  { pattern: /^A2-(\d+)-(\d+)-(\d+)-/, name: 'aria2' }, // A2-1-37-0-
  { pattern: /^M(\d+)-(\d+)-(\d+)-/, name: 'Mainline' }, // M4-3-6-- (BEP 20)
];

/** Shad0w's style (BitTornado and its forebears): one letter, 3-5 base-64 version digits padded with '-' to 6 characters. */
const SHADOW_CLIENTS: Readonly<Record<string, string>> = {
  A: 'ABC',
  O: 'Osprey Permaseed',
  Q: 'BTQueue',
  R: 'Tribler',
  S: "Shad0w's client",
  T: 'BitTornado',
  U: 'UPnP NAT Bit Torrent',
};
const SHADOW_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.';

/** BEP 10's `v` is the peer's word: at most this many characters of it are shown. */
const MOST_CHARACTERS = 40;

/**
 * Who the peer is, for people: `aria2/1.37.0`, `libtorrent/2.0.10`,
 * `swarmlab/0.1.0`, or `unknown`. The extension handshake's `v` wins when it
 * says anything (printable characters only: it is the peer's text, shown on
 * our terminal), else the peer id is decoded: Azureus style `-XXvvvv-`,
 * aria2's `A2-1-37-0-`, Mainline's `M4-3-6--`, Shad0w's `T03I--`.
 */
export function clientName(peerId: Buffer, extensionV?: string): string {
  const told = extensionV === undefined ? '' : sanitised(extensionV);
  if (told !== '') return told;
  const id = peerId.toString('latin1');
  const azureus = /^-([A-Za-z0-9~]{2})([0-9A-Za-z]{4})-/.exec(id);
  if (azureus) {
    const [prefix, code, chars] = azureus;
    const client = AZUREUS_CLIENTS[code];
    return client ? `${client.name}/${(client.version ?? base36Version)(chars)}` : `unknown (${prefix})`;
  }
  for (const { pattern, name } of DASHED_VERSIONS) {
    const dashed = pattern.exec(id);
    if (dashed) return `${name}/${dashed.slice(1).join('.')}`;
  }
  const shadow = /^([AOQRSTU])([0-9A-Za-z.]{3,5})-*$/.exec(id.slice(0, 6));
  if (shadow) return `${SHADOW_CLIENTS[shadow[1]]}/${[...shadow[2]].map((c) => SHADOW_DIGITS.indexOf(c)).join('.')}`;
  return 'unknown';
}

/**
 * `2.0.10` from `20A0`: a base-36 digit a part (0-9, then A-Z for 10-35, as
 * libtorrent and we write them). The fourth is a build or a release tag (µTorrent's
 * `S`), shown only when it is a non-zero digit.
 */
function base36Version(chars: string): string {
  const parts = [...chars.slice(0, 3)].map((c) => parseInt(c, 36));
  return (/[1-9]/.test(chars[3]) ? [...parts, chars[3]] : parts).join('.');
}

/** WebTorrent's: 2 decimal digits of major, then 2 of minor: `0201` is 2.1. */
function decimalPairs(chars: string): string {
  return `${Number(chars.slice(0, 2))}.${Number(chars.slice(2))}`;
}

/** Printable characters only (no control, format or line-breaking ones), spaces collapsed, at most MOST_CHARACTERS. */
function sanitised(text: string): string {
  const printable = text.replace(/[\p{C}\p{Zl}\p{Zp}]/gu, '').replace(/\s+/g, ' ').trim();
  return [...printable].slice(0, MOST_CHARACTERS).join('').trimEnd();
}
