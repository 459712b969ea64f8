import * as path from 'path';
import { protocolOf } from '../config/CommonConfig.js';
import type { Config } from '../config/Config.js';
import { BT_UPLOAD_SLOTS, OPTIMISTIC_INTERVAL_MS, RECHOKE_INTERVAL_MS } from '../torrent/BtChoker.js';
import type { DashboardFacts } from './messages.js';

/** The header of a swarm's dashboard, from its config: the file, k, p and m (BitTorrent's own for a BitTorrent swarm). */
export function dashboardFacts(config: Config): DashboardFacts {
  const { common } = config;
  const title = `swarmlab: ${path.basename(path.resolve(config.dir))}`;
  const file = { fileName: common.fileName, fileSize: common.fileSize, pieceCount: common.pieceCount };
  if (protocolOf(common) === 'bittorrent') {
    return {
      title: `${title} (BitTorrent)`,
      ...file,
      preferredNeighbours: BT_UPLOAD_SLOTS,
      unchokingIntervalSeconds: RECHOKE_INTERVAL_MS / 1000,
      optimisticIntervalSeconds: OPTIMISTIC_INTERVAL_MS / 1000,
    };
  }
  return {
    title,
    ...file,
    preferredNeighbours: common.numberOfPreferredNeighbors,
    unchokingIntervalSeconds: common.unchokingIntervalMs / 1000,
    optimisticIntervalSeconds: common.optimisticUnchokingIntervalMs / 1000,
  };
}
