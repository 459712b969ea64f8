import { createHash, randomFillSync } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hashPieces } from '../../src/storage/pieceHashes.js';
import { makeTorrent } from '../../src/metainfo/makeTorrent.js';
import { parseMetaInfo } from '../../src/metainfo/MetaInfo.js';
import { PieceVerifier } from '../../src/metainfo/PieceVerifier.js';
import { writeRandomFile } from '../../src/launcher/seedFiles.js';
import { PieceLayout } from '../../src/core/PieceLayout.js';

const GIB = 1024 ** 3;
const PIECE_SIZE = 256 * 1024;
const RAW_SAMPLE_BYTES = 256 * 1024 * 1024;

/**
 * The start-up recheck of a 1 GiB file against its metainfo, beside the raw
 * SHA-1 rate of this machine over bytes in memory, measured in the same run.
 */
export async function recheckBench(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-recheck-'));
  try {
    const file = path.join(dir, 'one-gib.bin');
    await writeRandomFile(file, GIB);
    const meta = parseMetaInfo(await makeTorrent(file, { pieceSize: PIECE_SIZE }), 'bench.torrent');
    const verifier = new PieceVerifier(meta);
    const layout = new PieceLayout(GIB, PIECE_SIZE);

    const raw = rawSha1Rate();
    const started = process.hrtime.bigint();
    let good = 0;
    await hashPieces(file, layout, (index, digest) => (good += verifier.matches(index, digest) ? 1 : 0));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const recheck = GIB / 1e6 / seconds;
    console.log(`\n== recheck of a 1 GiB file (${layout.pieceCount} pieces of ${PIECE_SIZE / 1024} KiB), page cache warm`);
    console.log(`raw SHA-1 over bytes in memory: ${raw.toFixed(0)} MB/s`);
    console.log(`recheck (read + SHA-1 + compare): ${recheck.toFixed(0)} MB/s in ${seconds.toFixed(2)} s; ${good}/${layout.pieceCount} pieces good`);
    console.log(`recheck / raw: ${((100 * recheck) / raw).toFixed(0)} % (target: at least 80 %)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** MB/s of SHA-1 over a buffer in memory, piece by piece, as the recheck hashes. */
function rawSha1Rate(): number {
  const sample = randomFillSync(Buffer.allocUnsafe(RAW_SAMPLE_BYTES));
  const started = process.hrtime.bigint();
  for (let offset = 0; offset < sample.length; offset += PIECE_SIZE) {
    createHash('sha1').update(sample.subarray(offset, offset + PIECE_SIZE)).digest();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return RAW_SAMPLE_BYTES / 1e6 / seconds;
}
