import { RATE_KEYS, type RateKey } from '../config/CommonConfig.js';
import type { Config } from '../config/Config.js';
import { parseRate } from '../config/values.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import type { RateLimitSettings } from '../node/RateLimits.js';

const RATE_SETTING: Record<RateKey, keyof RateLimitSettings> = {
  MaxUploadRate: 'uploadBytesPerSecond',
  MaxDownloadRate: 'downloadBytesPerSecond',
  MaxNeighbourUploadRate: 'neighbourUploadBytesPerSecond',
  MaxNeighbourDownloadRate: 'neighbourDownloadBytesPerSecond',
};

/** Rate limits: the flags where given (the command line wins, as everywhere), else Common.cfg's keys. */
export function rateLimitsFrom(config: Config, flags: RateLimitSettings = {}): RateLimitSettings {
  const settings: RateLimitSettings = {};
  for (const key of RATE_KEYS) {
    const text = config.common.extras.get(key);
    const setting = RATE_SETTING[key];
    settings[setting] = flags[setting] ?? (text === undefined ? undefined : parseRate(text));
  }
  return settings;
}

export function describeLimits(diag: Diagnostics, limits: RateLimitSettings): void {
  const show = (rate: number | undefined) => (rate === undefined ? 'unlimited' : `${rate} B/s`);
  diag.info(
    `rate limits: upload ${show(limits.uploadBytesPerSecond)} (per neighbour ${show(limits.neighbourUploadBytesPerSecond)}), ` +
      `download ${show(limits.downloadBytesPerSecond)} (per neighbour ${show(limits.neighbourDownloadBytesPerSecond)})`,
  );
}
