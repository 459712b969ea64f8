import * as path from 'path';
import type { Config } from '../config/Config.js';
import type { DashboardFacts } from './messages.js';

/** The header of a swarm's dashboard, from its config: the file, k, p and m. */
export function dashboardFacts(config: Config): DashboardFacts {
  const { common } = config;
  return {
    title: `swarmlab: ${path.basename(path.resolve(config.dir))}`,
    fileName: common.fileName,
    fileSize: common.fileSize,
    pieceCount: common.pieceCount,
    preferredNeighbours: common.numberOfPreferredNeighbors,
    unchokingIntervalSeconds: common.unchokingIntervalMs / 1000,
    optimisticIntervalSeconds: common.optimisticUnchokingIntervalMs / 1000,
  };
}
