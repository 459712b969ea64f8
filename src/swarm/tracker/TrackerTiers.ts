import { shuffled, type Random } from '../../common/Random.js';

export const SUPPORTED_TRACKER_PROTOCOLS: readonly string[] = ['http:', 'https:', 'udp:'];

export interface TrackerUrls {
  tiers: URL[][];
  /** Entries left out, each with why (for the diagnostics). */
  refused: string[];
}

/**
 * The tiers of a torrent's trackers (BEP 12, as the metainfo gives them:
 * `MetaInfo.trackerTiers`) as URLs we can announce to. URLs that do not
 * parse, or use a protocol we do not speak (ws:, wss: are WebTorrent's), are
 * left out; a URL listed twice is kept where it first appears; empty tiers vanish.
 */
export function trackerUrls(listed: readonly (readonly string[])[]): TrackerUrls {
  const seen = new Set<string>();
  const refused: string[] = [];
  const tiers: URL[][] = [];
  for (const tier of listed) {
    const urls: URL[] = [];
    for (const text of tier) {
      const url = URL.canParse(text) ? new URL(text) : undefined;
      if (!url) refused.push(`${text}: not a URL`);
      else if (!SUPPORTED_TRACKER_PROTOCOLS.includes(url.protocol)) refused.push(`${text}: ${url.protocol} trackers are not supported`);
      else if (!seen.has(url.href)) {
        seen.add(url.href);
        urls.push(url);
      }
    }
    if (urls.length > 0) tiers.push(urls);
  }
  return { tiers, refused };
}

export interface TierEntry {
  url: URL;
  /** 0 for the first tier. */
  tier: number;
}

/**
 * The order in which trackers are tried (BEP 12): tier by tier; within a
 * tier, an order shuffled once when the torrent is loaded; a tracker that
 * answers moves to the front of its tier, so it is asked first next time.
 */
export class TrackerTiers {
  private readonly tiers: URL[][];

  constructor(tiers: readonly (readonly URL[])[], random: Random) {
    this.tiers = tiers.map((tier) => shuffled(tier, random));
  }

  get size(): number {
    return this.tiers.reduce((sum, tier) => sum + tier.length, 0);
  }

  inOrder(): TierEntry[] {
    return this.tiers.flatMap((urls, tier) => urls.map((url) => ({ url, tier })));
  }

  promote(url: URL): void {
    for (const tier of this.tiers) {
      const at = tier.findIndex((u) => u.href === url.href);
      if (at > 0) tier.unshift(...tier.splice(at, 1));
    }
  }
}
