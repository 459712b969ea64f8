import type { RateLimitSettings } from '../node/RateLimits';

/**
 * What the control interface can ask of a running peer:
 * - pause: disconnect from every neighbour and stop dialling and listening, keeping the pieces;
 * - resume: listen and dial again; the neighbours' bitfields say what is still needed;
 * - set-limits: replace the rate limits (bytes per second; a missing key means unlimited);
 * - stop: close every connection and exit, as if interrupted.
 */
export type PeerCommand = { kind: 'pause' } | { kind: 'resume' } | { kind: 'stop' } | { kind: 'set-limits'; limits: RateLimitSettings };
