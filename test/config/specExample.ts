import type { CommonConfig } from '../../src/config/CommonConfig.js';

/** The spec's Common.cfg example, line for line, comments included. */
export const SPEC_EXAMPLE_LINES = [
  'NumberOfPreferredNeighbors 2      # k',
  'UnchokingInterval 5               # p, seconds',
  'OptimisticUnchokingInterval 15    # m, seconds',
  'FileName TheFile.dat',
  'FileSize 10000232',
  'PieceSize 32768',
];

/** What it reads as. */
export const SPEC_EXAMPLE_PARSED: CommonConfig = {
  numberOfPreferredNeighbors: 2,
  unchokingIntervalMs: 5000,
  optimisticUnchokingIntervalMs: 15000,
  fileName: 'TheFile.dat',
  fileSize: 10000232,
  pieceSize: 32768,
  pieceCount: 306,
  extras: new Map(),
};
