import { readFileSync } from 'fs';
import * as path from 'path';
import type { Config } from '../../config/Config.js';
import type { PeerInfo } from '../../config/PeerInfo.js';
import { peerDirectory } from '../../config/peerDirectory.js';
import { debugLogPath } from '../../log/DiagnosticLog.js';
import { protocolLogPath } from '../../log/ProtocolLogger.js';
import { metaInfoPath } from '../../metainfo/forConfig.js';
import { resumePath } from '../../storage/ResumeState.js';
import type { CopyLocation } from '../verifyCopies.js';
import { RemotePeer } from './RemotePeer.js';
import { fetchFiles, pushFile, remoteSha1, runRemote, writeFileScript } from './remoteFiles.js';
import { DEFAULT_REMOTE_COMMAND, goesOverSsh, remoteCommandFor, remoteDirFor, type RemotePlan } from './remotePlan.js';
import { shellQuote } from './shellQuote.js';
import type { SshClient } from './ssh.js';

export interface RemoteSwarmOptions {
  config: Config;
  plan: RemotePlan;
  client: SshClient;
  /** Copy Common.cfg, PeerInfo.cfg (and the MetaInfo .torrent) and the seeders' files there before the start. */
  push: boolean;
  /** Relay the remote peers' protocol sentences as they come (the dashboard). */
  liveLog: boolean;
  /** Tells this machine's names and addresses (tests inject one). */
  thisMachine?: (host: string) => boolean;
}

/** A remote peer's files: its directory there holds the spec's flat layout. */
interface RemotePaths {
  dir: string;
  copy: string;
  log: string;
  debugLog: string;
}

/**
 * The peers of a swarm that run over ssh: getting their directories ready
 * (and the files there, with --push), starting each as a RemotePeer, bringing
 * their logs back, and the SHA-1 of their copies.
 */
export class RemoteSwarm {
  /** The peers that go over ssh, in PeerInfo.cfg order. */
  readonly peers: readonly PeerInfo[];
  private readonly digests = new Map<number, Promise<string>>();

  constructor(private readonly options: RemoteSwarmOptions) {
    this.peers = options.config.peers.filter((peer) => goesOverSsh(peer, options.plan.mode, options.thisMachine));
  }

  isRemote(peer: PeerInfo): boolean {
    return this.peers.includes(peer);
  }

  /**
   * Before the start, per remote peer: its directory made (which also checks
   * that the host answers and takes our key), a fresh run's leecher copy
   * removed there, and with --push the configs and the seeder's file copied.
   * Returns what it did, one line each; throws a RemoteError.
   */
  async prepare(peersDir: string, fresh: boolean): Promise<string[]> {
    const { config, client, push } = this.options;
    const done: string[] = [];
    const pushedConfigs = new Set<string>();
    // One session per peer (each costs a connection): its directory, the clean-up, the configs' bytes.
    for (const peer of this.peers) {
      const paths = this.pathsOf(peer);
      const where = `${peer.host}:${paths.dir}`;
      const steps = [`mkdir -p ${shellQuote(path.posix.dirname(paths.copy))}`];
      if (fresh && !peer.hasFile) steps.push(`rm -f ${shellQuote(paths.copy)} ${shellQuote(resumePath(paths.copy))}`);
      const pushConfigs = push && !pushedConfigs.has(where);
      if (pushConfigs) {
        pushedConfigs.add(where);
        for (const [local, name] of this.configFiles()) steps.push(writeFileScript(path.posix.join(paths.dir, name), readFileSync(local)));
      }
      await runRemote(client, peer.host, steps.join(' && '));
      if (pushConfigs) done.push(`pushed the configs to ${where}`);
      if (push && peer.hasFile) {
        await pushFile(client, peer.host, path.join(peerDirectory(peersDir, peer.peerId), config.common.fileName), paths.copy);
        done.push(`pushed peer ${peer.peerId}'s ${config.common.fileName} to ${peer.host}:${paths.copy}`);
      }
    }
    return done;
  }

  /** Starts a remote peer; undefined for a peer that runs here. A command of the user's own gets no launcher arguments. */
  startPeer(peer: PeerInfo, args: readonly string[], restarted: boolean): RemotePeer | undefined {
    if (!this.isRemote(peer)) return undefined;
    const { config, plan } = this.options;
    const { pieceCount, pieceSize, fileSize } = config.common;
    const paths = this.pathsOf(peer);
    return new RemotePeer({
      client: this.options.client,
      peer,
      dir: paths.dir,
      command: remoteCommandFor(plan, peer, plan.commandTemplate === DEFAULT_REMOTE_COMMAND ? args : []),
      logFile: protocolLogPath('.', peer.peerId),
      freshLog: !restarted,
      pieceCount,
      pieceBytes: (index) => (index === pieceCount - 1 ? fileSize - pieceSize * (pieceCount - 1) : pieceSize),
      liveLog: this.options.liveLog,
    });
  }

  /**
   * Brings each remote peer's logs into logDir (the debug log when there is
   * one), one peer after another until `stopped()` says so (a Ctrl-C); returns
   * how many peers' logs came, and the problems, one line each, the peers left
   * out included.
   */
  async collect(logDir: string, stopped: () => boolean = () => false): Promise<{ collected: number; problems: string[] }> {
    const problems: string[] = [];
    let collected = 0;
    for (const [done, peer] of this.peers.entries()) {
      if (stopped()) {
        problems.push(`interrupted: the logs of ${this.peers.length - done} remote peers were not collected`);
        break;
      }
      const paths = this.pathsOf(peer);
      const log = { remote: paths.log, local: protocolLogPath(logDir, peer.peerId) };
      // Only our peerProcess writes a debug log.
      const debugLog = { remote: paths.debugLog, local: debugLogPath(logDir, peer.peerId) };
      await fetchFiles(this.options.client, peer.host, log, debugLog).then(
        () => collected++,
        (error: Error) => problems.push(`peer ${peer.peerId}'s log ${peer.host}:${paths.log} was not collected: ${error.message}`),
      );
    }
    return { collected, problems };
  }

  /** Where a peer's copy is, for verifyCopies: a remote one is hashed there, once (the seeder's is asked for twice). */
  copyOf(peer: PeerInfo, local: CopyLocation): CopyLocation {
    if (!this.isRemote(peer)) return local;
    const { copy } = this.pathsOf(peer);
    const sha1 = () => {
      let digest = this.digests.get(peer.peerId);
      if (!digest) this.digests.set(peer.peerId, (digest = remoteSha1(this.options.client, peer.host, copy)));
      return digest;
    };
    return { file: `${peer.host}:${copy}`, sha1 };
  }

  private pathsOf(peer: PeerInfo): RemotePaths {
    const dir = remoteDirFor(this.options.plan, peer);
    const inDir = (file: string) => path.posix.join(dir, file);
    return {
      dir,
      copy: inDir(path.posix.join(`peer_${peer.peerId}`, this.options.config.common.fileName)),
      log: inDir(protocolLogPath('.', peer.peerId)),
      debugLog: inDir(debugLogPath('.', peer.peerId)),
    };
  }

  /** Local file, and its name in a remote directory. */
  private configFiles(): Array<[string, string]> {
    const { config } = this.options;
    const files: Array<[string, string]> = ['Common.cfg', 'PeerInfo.cfg'].map((name) => [path.join(config.dir, name), name]);
    const metaInfo = metaInfoPath(config);
    const named = config.common.extras.get('MetaInfo');
    if (metaInfo && named) files.push([metaInfo, named]);
    return files;
  }
}
