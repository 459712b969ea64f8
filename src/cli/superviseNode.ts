import { loadConfig } from '../config/Config.js';
import type { PeerInfo } from '../config/PeerInfo.js';
import { controllerFor, type ControllableNode, type PeerController } from '../control/PeerController.js';
import type { LocalServer } from '../control/localHttp.js';
import type { SentenceBuffer } from '../control/SentenceBuffer.js';
import type { Subscribable } from '../control/Subscribable.js';
import type { Bitfield } from '../core/Bitfield.js';
import type { Diagnostics } from '../log/DiagnosticLog.js';
import type { MetricsEvents, PeerMetrics } from '../metrics/PeerMetrics.js';
import { PortInUseError } from '../net/Listener.js';
import type { NodeOutcome } from '../node/PeerNode.js';
import type { TransferTotals } from '../storage/ResumeState.js';
import { StorageError } from '../storage/StorageError.js';
import { ExitCode } from './exitCodes.js';
import { Fatal } from './fatal.js';
import { linkToLauncher, type LinkEvents, type LinkedNode } from './launcherLink.js';
import { describeLimits, rateLimitsFrom } from './peerLimits.js';
import type { RunPeerOptions } from './runPeer.js';

/** What a peer process runs: the course's PeerNode, or a BitTorrent peer (BtPeerNode). */
export interface SupervisedNode extends ControllableNode, LinkedNode {
  readonly bus: Subscribable<LinkEvents & MetricsEvents>;
  readonly finished: Promise<NodeOutcome>;
  /** Listens (rejects with PortInUseError when the port is taken), then finds its neighbours. */
  start(): Promise<void>;
  stop(outcome?: NodeOutcome): Promise<void>;
}

export interface Supervision {
  options: RunPeerOptions;
  self: PeerInfo;
  diag: Diagnostics;
  /** Closes every log of the peer. */
  closeLogs(): Promise<void>;
  /** The peer's file: its pieces, and the transfer totals over every run. */
  store: { readonly bitfield: Bitfield; readonly totals: TransferTotals; close(): Promise<void> };
  /** The protocol sentences the launcher's live view shows, when it has one. */
  sentences?: SentenceBuffer;
  /** Once the node listens and the local servers run (the course's start-up recheck). */
  afterStart?(): Promise<void>;
}

/**
 * Runs a peer's node to its end, whichever protocol it speaks: rate limits
 * (re-read on SIGHUP), SIGINT and SIGTERM, the control interface, metrics and
 * the launcher link; returns the process's exit code.
 */
export async function superviseNode(node: SupervisedNode, supervision: Supervision): Promise<number> {
  const { options, self, diag, store } = supervision;
  describeLimits(diag, node.rateLimits.current);
  // A config reload on SIGHUP changes the rate limits while running.
  const reload = () => {
    try {
      node.rateLimits.update(rateLimitsFrom(loadConfig(options.configDir), options.rateLimits));
      describeLimits(diag, node.rateLimits.current);
    } catch (error) {
      diag.error(`SIGHUP: rate limits unchanged: ${(error as Error).message}`);
    }
  };
  process.on('SIGHUP', reload);
  let interrupted = false;
  const interrupt = (signal: string) => {
    interrupted = true;
    diag.warn(`${signal} received: closing connections`);
    void node.stop({ kind: 'failed', error: new Error(signal) });
  };
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  // A reload after the end has nothing to reload. A late SIGINT or SIGTERM keeps its handler (Node's default would kill the
  // process mid-flush); what it logs after the close is dropped by DiagnosticLog.
  const closeLogs = () => {
    process.off('SIGHUP', reload);
    return supervision.closeLogs();
  };
  const controller = controllerFor(node, {
    stop: () => interrupt('stop command'),
    limitsChanged: () => describeLimits(diag, node.rateLimits.current),
  });
  // prom-client and its dependencies cost memory and start-up time: loaded only when metrics are asked for.
  const metrics = options.metricsPort === undefined ? undefined : new (await import('../metrics/PeerMetrics.js')).PeerMetrics(self.peerId, node.bus, () => node.status());
  const pieceCount = store.bitfield.pieceCount;
  const launcherLink = linkToLauncher({ node, controller, peerId: self.peerId, pieceCount, piecesHeld: () => store.bitfield.count, sentences: supervision.sentences });

  try {
    await node.start();
  } catch (error) {
    // Nothing may keep the process alive now: its exit code and reason are the launcher's news.
    launcherLink.close();
    await store.close();
    await closeLogs();
    if (error instanceof PortInUseError) throw new Fatal(error.message, ExitCode.PortInUse);
    throw error;
  }
  diag.info(`listening on port ${self.port}`);
  const servers = await startLocalServers(options, controller, metrics, diag);
  await supervision.afterStart?.();
  const outcome = await node.finished;
  await Promise.all(servers.map((server) => server.close()));
  await launcherLink.finish();
  diag.info(`totals over every run: ${store.totals.bytesDownloaded} bytes downloaded, ${store.totals.bytesUploaded} uploaded`);
  await closeLogs();
  if (interrupted) return ExitCode.Interrupted;
  if (outcome.kind === 'failed') {
    process.stderr.write(`peerProcess ${self.peerId}: ${outcome.error.message}\n`);
    return outcome.error instanceof StorageError ? ExitCode.Storage : ExitCode.Internal;
  }
  return ExitCode.Ok;
}

/**
 * The control interface and the metrics, each on 127.0.0.1 only. A port that
 * cannot be bound costs the feature, not the transfer: the peer runs on.
 */
async function startLocalServers(options: RunPeerOptions, controller: PeerController, metrics: PeerMetrics | undefined, diag: Diagnostics): Promise<LocalServer[]> {
  const servers: LocalServer[] = [];
  const start = async (what: string, port: number | undefined, serve: (port: number) => Promise<LocalServer>) => {
    if (port === undefined) return;
    try {
      const server = await serve(port);
      servers.push(server);
      diag.info(`${what} at ${server.url}`);
    } catch (error) {
      diag.error(`${what} not started on 127.0.0.1:${port}: ${(error as Error).message}`);
    }
  };
  if (options.controlPort !== undefined) {
    const { startControlServer } = await import('../control/ControlServer.js');
    await start('control interface', options.controlPort, (port) => startControlServer(port, controller));
  }
  if (metrics) {
    const { startMetricsServer } = await import('../metrics/MetricsServer.js');
    await start('metrics', options.metricsPort, (port) => startMetricsServer(port, metrics));
  }
  return servers;
}
