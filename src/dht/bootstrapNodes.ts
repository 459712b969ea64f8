/** A DHT node to ask first: a host name or an IPv4 address, and a UDP port. */
export interface DhtAddress {
  host: string;
  port: number;
}

/** The well-known public routers (BEP 5 leaves the choice to the client; these are the ones clients ship). */
export const DEFAULT_BOOTSTRAP_NODES: readonly DhtAddress[] = [
  { host: 'router.bittorrent.com', port: 6881 },
  { host: 'dht.transmissionbt.com', port: 6881 },
  { host: 'router.utorrent.com', port: 6881 },
];

export class DhtBootstrapError extends Error {}

/** A DNS name: labels of letters, digits and inner hyphens, dot-separated. */
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The value of `--dht-bootstrap host:port,...`: each entry a host name or an
 * IPv4 address (the DHT speaks IPv4 only: BEP 5's compact node info), then a
 * port from 1 to 65535. The error names the entry and what is wrong with it.
 */
export function parseDhtBootstrap(text: string): DhtAddress[] {
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => entry === '')) throw new DhtBootstrapError('--dht-bootstrap: no node given (expected host:port,...)');
  return entries.map((entry, index) => parseEntry(entry, index + 1));
}

function parseEntry(entry: string, position: number): DhtAddress {
  const where = `--dht-bootstrap entry ${position} ("${entry}")`;
  if (entry === '') throw new DhtBootstrapError(`${where}: empty (two commas in a row, or one at an end?)`);
  const colon = entry.lastIndexOf(':');
  if (colon < 0) throw new DhtBootstrapError(`${where}: no port (expected host:port, e.g. router.bittorrent.com:6881)`);
  const host = entry.slice(0, colon);
  const portText = entry.slice(colon + 1);
  if (host.includes(':') || host.startsWith('[')) throw new DhtBootstrapError(`${where}: IPv6 addresses are not supported (the DHT here speaks IPv4 only)`);
  if (!isIpv4(host) && (IPV4.test(host) || !HOST_NAME.test(host))) throw new DhtBootstrapError(`${where}: "${host}" is neither a host name nor an IPv4 address`);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new DhtBootstrapError(`${where}: port "${portText}" is not a number from 1 to 65535`);
  return { host, port };
}

function isIpv4(host: string): boolean {
  const match = IPV4.exec(host);
  return match !== null && match.slice(1).every((part) => Number(part) <= 255);
}
