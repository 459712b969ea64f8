import * as path from 'path';

/** protocol.md: a peer keeps its file in the folder `peer_<id>` (under the peers folder; `.` for the spec's flat layout). */
export function peerDirectory(peersDir: string, peerId: number): string {
  return path.join(peersDir, `peer_${peerId}`);
}
