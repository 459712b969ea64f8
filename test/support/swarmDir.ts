import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePorts } from '../../src/net/freePorts.js';

export interface SwarmSetup {
  root: string;
  peerIds: number[];
  seeders: number[];
  fileName: string;
  fileSize: number;
  pieceSize: number;
  /** Each peer's port on 127.0.0.1, as written to PeerInfo.cfg. */
  ports: ReadonlyMap<number, number>;
  remove(): void;
}

export interface SwarmSpec {
  peers: number;
  seeders?: number[];
  fileSize: number;
  pieceSize: number;
  k?: number;
  unchokingSeconds?: number;
  optimisticSeconds?: number;
}

/** A temp dir with Common.cfg and PeerInfo.cfg for peers 1001.. on 127.0.0.1 and free ports. */
export async function makeSwarmDir(spec: SwarmSpec): Promise<SwarmSetup> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmlab-swarm-'));
  const peerIds = Array.from({ length: spec.peers }, (_, i) => 1001 + i);
  const seeders = spec.seeders ?? [1001];
  const ports = await freePorts(spec.peers);
  const fileName = 'shared.dat';
  fs.writeFileSync(
    path.join(root, 'Common.cfg'),
    [
      `NumberOfPreferredNeighbors ${spec.k ?? 2}`,
      `UnchokingInterval ${spec.unchokingSeconds ?? 0.5}`,
      `OptimisticUnchokingInterval ${spec.optimisticSeconds ?? 1}`,
      `FileName ${fileName}`,
      `FileSize ${spec.fileSize}`,
      `PieceSize ${spec.pieceSize}`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(root, 'PeerInfo.cfg'),
    peerIds.map((id, i) => `${id} 127.0.0.1 ${ports[i]} ${seeders.includes(id) ? 1 : 0}\n`).join(''),
  );
  return {
    root,
    peerIds,
    seeders,
    fileName,
    fileSize: spec.fileSize,
    pieceSize: spec.pieceSize,
    ports: new Map(peerIds.map((id, i) => [id, ports[i]])),
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
