import type { Fields } from './fields.js';

/**
 * The trackers as BEP 12 tiers: `announce-list` when it names any (BEP 12:
 * a client that reads it ignores `announce`), else `[[announce]]`, else none.
 * Empty URLs and empty tiers are dropped, as other clients do.
 */
export function trackerTiers(top: Fields): { announce?: string; tiers: string[][] } {
  const announce = top.text('announce');
  const list = top.list('announce-list') ?? [];
  const shape = () => top.fail(`${top.name('announce-list')} must be a list of tiers, each a list of tracker URLs`);
  const tiers = list
    .map((tier) => (Array.isArray(tier) ? tier : shape()).map((url) => (Buffer.isBuffer(url) ? url.toString('utf8') : shape())).filter((url) => url !== ''))
    .filter((tier) => tier.length > 0);
  if (tiers.length > 0) return { announce, tiers };
  return { announce, tiers: announce ? [[announce]] : [] };
}
