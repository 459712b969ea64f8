import * as net from 'net';
import * as os from 'os';

/**
 * 'localhost' may resolve to ::1 or 127.0.0.1 depending on the resolver;
 * other implementations (Java, Python) mostly use IPv4, so we do too.
 */
export function dialAddressFor(host: string): string {
  return host === 'localhost' ? '127.0.0.1' : host;
}

/**
 * A peer listed on a loopback address listens only there (nothing outside
 * this machine can reach it); any other host name listens on every interface.
 */
export function listenAddressFor(host: string): string | undefined {
  if (host === 'localhost') return '127.0.0.1';
  return isLoopback(host) ? host : undefined;
}

/**
 * What our outgoing connections leave from for `--bind ADDR`: that address,
 * or the system's choice when it names every interface (or is not given).
 */
export function dialFromAddress(bind: string | undefined): string | undefined {
  return bind === undefined || bind === '0.0.0.0' || bind === '::' ? undefined : bind;
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (net.isIPv4(host)) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/** True for names and addresses that denote this machine. */
export function isThisMachine(host: string): boolean {
  if (isLoopback(host)) return true;
  const lower = host.toLowerCase();
  if (lower === os.hostname().toLowerCase()) return true;
  return Object.values(os.networkInterfaces()).some((list) => list?.some((iface) => iface.address === host));
}

/** A peer's 'host:port' as the engine writes addresses (an IPv6 host unbracketed: the port is after the last colon). */
export function hostAndPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}
