/**
 * The dashboard, the control interface and the metrics listen on 127.0.0.1
 * only, so no other machine can reach them.
 * A web page from another site, open in a browser on this machine, still can:
 * - by DNS rebinding (evil.example resolving to 127.0.0.1): its requests then
 *   carry `Host: evil.example:PORT`, so every request must name our own host;
 * - by opening a WebSocket to 127.0.0.1 directly, which browsers allow across
 *   sites: the upgrade then carries that site's `Origin`, so an upgrade must come
 *   from the dashboard's own page.
 */

/** The names a browser on this machine uses for them. */
const LOCAL_NAMES = ['127.0.0.1', 'localhost'] as const;

/** `Host: 127.0.0.1:PORT` or `Host: localhost:PORT`, exactly (the port included: browsers always send it for a non-default port). */
export function isOwnHost(host: string | undefined, port: number): boolean {
  return host !== undefined && LOCAL_NAMES.some((name) => host.toLowerCase() === `${name}:${port}`);
}

/** `Origin: http://127.0.0.1:PORT` or `http://localhost:PORT`. Missing is refused too: browsers always send one on a WebSocket (plain HTTP callers check for absence first). */
export function isOwnOrigin(origin: string | undefined, port: number): boolean {
  return origin !== undefined && LOCAL_NAMES.some((name) => origin.toLowerCase() === `http://${name}:${port}`);
}
