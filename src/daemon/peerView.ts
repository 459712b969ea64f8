import type { BtPeer } from '../torrent/BtPeer.js';
import { clientName } from '../wire/bt/clientName.js';
import type { TorrentPeer } from './api/contract.js';

/** A connected peer as the API shows it. */
export function peerView(peer: BtPeer): TorrentPeer {
  return {
    address: peer.listenAddress ?? peer.address,
    client: peer.peerId ? clientName(peer.peerId, peer.clientVersion) : (peer.clientVersion ?? 'unknown'),
    flags: peerFlags(peer),
    direction: peer.direction,
    downloadRate: peer.downloadRate.bytesPerSecond(),
    uploadRate: peer.uploadRate.bytesPerSecond(),
    progress: peer.has.pieceCount > 0 ? peer.has.count / peer.has.pieceCount : 0,
  };
}

/**
 * µTorrent's peer flags, which most clients show: D we download from it, d we
 * would (interested) but it chokes us; U we upload to it, u it would but we
 * choke it; K it unchokes us, we are not interested; ? we unchoke it, it is not
 * interested; I it connected to us.
 */
export function peerFlags(peer: Pick<BtPeer, 'amInterested' | 'choking' | 'interested' | 'amChoking' | 'direction'>): string {
  let flags = '';
  if (peer.amInterested) flags += peer.choking ? 'd' : 'D';
  else if (!peer.choking) flags += 'K';
  if (peer.interested) flags += peer.amChoking ? 'u' : 'U';
  else if (!peer.amChoking) flags += '?';
  if (peer.direction === 'inbound') flags += 'I';
  return flags;
}
