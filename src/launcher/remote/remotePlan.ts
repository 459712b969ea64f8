import { builtPeerProcess } from '../../common/packageFiles.js';
import type { PeerInfo } from '../../config/PeerInfo.js';
import { isThisMachine } from '../../net/hosts.js';
import { shellQuote } from './shellQuote.js';

export const SSH_MODES = ['auto', 'always', 'never'] as const;
/** auto: peers on other machines go over ssh; always: every peer does (as the course's StartRemotePeers); never: none. */
export type SshMode = (typeof SSH_MODES)[number];

/**
 * The default remote command: this swarmlab's peerProcess, at the same path
 * there (a shared home, as on lab machines), in the spec's flat
 * layout (peer_<id>/ and log_peer_<id>.log in its working directory), the one
 * every course implementation uses, so pushing and collecting work the same for all.
 */
export const DEFAULT_REMOTE_COMMAND = `node ${shellQuote(builtPeerProcess())} {id} --peers-dir . --log-dir .`;

/** Where and how the peers that go over ssh run. */
export interface RemotePlan {
  mode: SshMode;
  /** The remote working directory; `{id}` and `{host}` are replaced per peer. */
  dirTemplate: string;
  /** The remote command, run in that directory; `{id}` and `{host}` are replaced per peer. */
  commandTemplate: string;
}

export function goesOverSsh(peer: PeerInfo, mode: SshMode, thisMachine: (host: string) => boolean = isThisMachine): boolean {
  return mode === 'always' || (mode === 'auto' && !thisMachine(peer.host));
}

export function remoteDirFor(plan: RemotePlan, peer: PeerInfo): string {
  return fillIn(plan.dirTemplate, peer, (text) => text);
}

/** The command line, placeholders filled with shell-quoted values, plus the launcher's extra arguments. */
export function remoteCommandFor(plan: RemotePlan, peer: PeerInfo, extraArgs: readonly string[]): string {
  return [fillIn(plan.commandTemplate, peer, shellQuote), ...extraArgs.map(shellQuote)].join(' ');
}

function fillIn(template: string, peer: PeerInfo, quote: (text: string) => string): string {
  return template.replaceAll('{id}', quote(String(peer.peerId))).replaceAll('{host}', quote(peer.host));
}
