/** One route of `ip -j route show table all`, as much of it as the overlap check reads. */
export interface Route {
  dst: string;
}

/**
 * The first route of this machine's own namespace that covers part of the
 * /24 `subnet` (written a.b.c.0/24), or undefined. The testbed must not take
 * addresses this machine already reaches some other way: a peer dialling one
 * could leave the namespaces. The default route is not counted (it covers everything, and so does a 0.0.0.0/0).
 */
export function overlappingRoute(routes: readonly Route[], subnet: string): string | undefined {
  const ours = cidr(subnet)!;
  return routes.find((route) => {
    const theirs = cidr(route.dst);
    if (!theirs || theirs.bits === 0) return false;
    // Two blocks overlap when they agree on the shorter prefix's bits.
    const span = 2 ** (32 - Math.min(ours.bits, theirs.bits));
    return Math.floor(ours.base / span) === Math.floor(theirs.base / span);
  })?.dst;
}

/** An IPv4 `a.b.c.d/n` or `a.b.c.d` (a /32); undefined for `default` and anything not IPv4. */
function cidr(text: string): { base: number; bits: number } | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)(?:\/(\d+))?$/.exec(text);
  if (!match) return undefined;
  const base = match.slice(1, 5).reduce((value, octet) => value * 256 + Number(octet), 0);
  return { base, bits: match[5] === undefined ? 32 : Number(match[5]) };
}
