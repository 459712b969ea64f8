import { existsSync, readFileSync, rmSync } from 'fs';
import * as path from 'path';
import type { CommandModule } from 'yargs';
import { ConfigError } from '../../config/ConfigError.js';
import { dashboardFacts } from '../../dashboard/facts.js';
import { startDashboard, type Dashboard } from '../../dashboard/server.js';
import { loadConfig, type Config } from '../../config/Config.js';
import { formatWarning } from '../../config/ConfigError.js';
import { DIAGNOSTIC_LEVELS } from '../../log/DiagnosticLog.js';
import { protocolLogPath } from '../../log/ProtocolLogger.js';
import { formatSeconds } from '../../launcher/format.js';
import { ProgressView, describeEnd, finishedCleanly } from '../../launcher/ProgressView.js';
import { setAsidePreviousLogs } from '../../launcher/previousLogs.js';
import { SeedFileError, prepareSeedFiles } from '../../launcher/seedFiles.js';
import { summaryTable } from '../../launcher/summary.js';
import { outputWidth } from '../../launcher/terminalWidth.js';
import { SwarmLauncher, type PlannedKill, type SwarmRun } from '../../launcher/SwarmLauncher.js';
import { localCopy, verifyCopies } from '../../launcher/verifyCopies.js';
import { RemoteSwarm } from '../../launcher/remote/RemoteSwarm.js';
import { RemoteError } from '../../launcher/remote/remoteFiles.js';
import { DEFAULT_REMOTE_COMMAND, SSH_MODES, type SshMode } from '../../launcher/remote/remotePlan.js';
import { openSshClient } from '../../launcher/remote/ssh.js';
import { EmbeddedTrackerError, embeddedTrackerUrl, startEmbeddedTracker } from '../../launcher/embeddedTracker.js';
import { peerDiscoveryOf, protocolOf } from '../../config/CommonConfig.js';
import { loadMetaInfoForConfig } from '../../metainfo/forConfig.js';
import type { RunningTracker } from '../../tracker/TrackerServer.js';
import { parseRate } from '../../config/values.js';
import { resumePath } from '../../storage/ResumeState.js';
import { ExitCode } from '../exitCodes.js';
import { peerDirectory } from '../../config/peerDirectory.js';
import type { PeerInfo } from '../../config/PeerInfo.js';
import { isThisMachine } from '../../net/hosts.js';

interface SwarmArgs {
  'config-dir': string;
  'peers-dir': string;
  'log-dir': string;
  'make-file': boolean;
  timeout: number;
  'log-level': string;
  verbose: boolean;
  'restart-crashed': number;
  resume: boolean;
  kill: string[];
  limit: string[];
  ui: boolean;
  'ui-port'?: number;
  'metrics-base-port'?: number;
  ssh: SshMode;
  'ssh-config'?: string;
  'remote-dir': string;
  'remote-command': string;
  push: boolean;
  collect: boolean;
}

export const swarmCommand: CommandModule<object, SwarmArgs> = {
  command: 'swarm',
  describe: 'run every peer of PeerInfo.cfg as its own process on this machine, show progress, and check the result',
  builder: (yargs) =>
    yargs
      .option('config-dir', { type: 'string', default: '.', describe: 'where Common.cfg and PeerInfo.cfg are' })
      .option('peers-dir', { type: 'string', default: 'peers', describe: 'where each peer_<id>/ lives' })
      .option('log-dir', { type: 'string', default: 'logs', describe: 'where the peers write their logs; the previous run\'s are moved to <log-dir>/previous/ first' })
      .option('make-file', { type: 'boolean', default: false, describe: 'create the seeders\' file (random bytes of FileSize) when missing, and the .torrent named by MetaInfo' })
      .option('timeout', { type: 'number', default: 300, describe: 'seconds before a swarm that has not finished is stopped' })
      .option('log-level', { choices: DIAGNOSTIC_LEVELS, default: 'info', describe: 'the peers\' diagnostic detail (debug traces every message)' })
      .option('verbose', { type: 'boolean', default: false, describe: 'print every peer\'s diagnostic lines as they come' })
      .option('resume', {
        type: 'boolean',
        default: false,
        describe: 'keep what the leechers already hold (their files and resume states); by default each run starts them from nothing',
      })
      .option('restart-crashed', { type: 'number', default: 0, describe: 'start a peer that dies again (it resumes from its resume state), up to N times each' })
      .option('kill', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'experiment: SIGKILL a leecher once it holds PERCENT of the pieces, a seeder once the leechers do (ID@PERCENT, repeatable)',
      })
      .option('limit', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'give a peer its own rate limits: ID:up=2MiB/s,down=1MiB/s (repeatable), to mix fast and slow peers',
      })
      .option('ui', {
        type: 'boolean',
        default: false,
        describe:
          'serve a live dashboard on 127.0.0.1 (pieces, rates, who unchokes whom, the event stream; pause/resume/kill/restart and rate limits per peer). ' +
          'On a terminal it stays up after the run until Ctrl-C, to look at the end state; otherwise it closes with the run',
      })
      .option('ui-port', { type: 'number', describe: 'the dashboard\'s port on 127.0.0.1 (implies --ui; default: any free port)' })
      .option('metrics-base-port', {
        type: 'number',
        describe: 'serve each peer\'s Prometheus metrics on 127.0.0.1: the n-th peer of PeerInfo.cfg at PORT+n-1 (/metrics)',
      })
      .option('ssh', {
        choices: SSH_MODES,
        default: 'auto' as SshMode,
        describe: 'start peers over ssh: auto, those whose host is not this machine; always, every one (as the course\'s StartRemotePeers); never, none',
      })
      .option('ssh-config', { type: 'string', describe: 'an ssh config file, handed to ssh as -F' })
      .option('remote-dir', {
        type: 'string',
        default: process.cwd(),
        describe: 'a remote peer\'s working directory, holding Common.cfg, PeerInfo.cfg, peer_<id>/ and its logs; {id} and {host} are replaced per peer',
        defaultDescription: 'this directory',
      })
      .option('remote-command', {
        type: 'string',
        default: DEFAULT_REMOTE_COMMAND,
        describe: 'what a remote peer runs, in its --remote-dir ({id} and {host} are replaced); it must print "listening on port N" once it listens',
        defaultDescription: 'this swarmlab\'s peerProcess, at the same path there',
      })
      .option('push', { type: 'boolean', default: false, describe: 'copy Common.cfg, PeerInfo.cfg and the seeders\' files to the remote directories first' })
      .option('collect', { type: 'boolean', default: false, describe: 'bring the remote peers\' logs back into --log-dir at the end (check-logs and report read them there)' })
      .check((args) => {
        const uiPort = args['ui-port'];
        if (uiPort !== undefined && (!Number.isInteger(uiPort) || uiPort < 0 || uiPort > 65535)) throw new Error('--ui-port takes a port number, 0 to 65535');
        const metricsPort = args['metrics-base-port'];
        if (metricsPort !== undefined && (!Number.isInteger(metricsPort) || metricsPort < 1 || metricsPort > 65535)) throw new Error('--metrics-base-port takes a port number, 1 to 65535');
        for (const plan of args.kill) parseKill(plan);
        for (const limit of args.limit) parseLimit(limit);
        if (!Number.isInteger(args['restart-crashed']) || args['restart-crashed'] < 0) throw new Error('--restart-crashed takes a whole number');
        const sshConfig = args['ssh-config'];
        if (sshConfig !== undefined && !existsSync(sshConfig)) throw new Error(`--ssh-config: ${sshConfig} does not exist`);
        return true;
      })
      .example('$0 swarm --make-file', 'the default six-peer swarm in this directory')
      .example('$0 swarm --config-dir config/tiny --make-file', 'a ready set-up from config/')
      .example('$0 swarm --kill 1003@50 --restart-crashed 1', 'kill peer 1003 half-way; it restarts and resumes')
      .example('$0 swarm --limit 1002:up=200KiB/s --limit 1003:up=2MiB/s', 'a slow and a fast uploader: watch who gets preferred')
      .example('$0 swarm --config-dir config/demo --make-file --ui', 'a slow swarm, watched live in the browser')
      .example('$0 swarm --metrics-base-port 9100', 'Prometheus can scrape 127.0.0.1:9100-9105/metrics during the run')
      .example('$0 swarm --remote-dir /tmp/swarm/{id} --push --collect', 'peers on other machines over ssh, each in its own directory, logs brought back')
      .epilog(
        'Exit codes: 0 every peer finished and every copy matches the seeder\'s; 7 the swarm failed (a peer failed, or hung past --timeout, ' +
          'or a copy differs: the last lines say why); 2 usage; 3 config error, or peers on other machines with --ssh never; 4 a seeder\'s file missing or the ' +
          'wrong size (see --make-file); 5 the dashboard\'s port is taken; 10 a remote host cannot be used (does not answer, refuses our key, a push failed); 130 interrupted (Ctrl-C); 1 internal error.\n' +
          'The summary table fits the terminal (COLUMNS overrides its width).',
      ),
  handler: async (args) => {
    process.exitCode = await runSwarm(args);
  },
};

async function runSwarm(args: SwarmArgs): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(args['config-dir']);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`swarm: ${error.message}`);
    return ExitCode.Config;
  }
  for (const warning of config.warnings) console.error(`swarm: ${formatWarning(warning)}`);
  const remote = new RemoteSwarm({
    config,
    plan: { mode: args.ssh, dirTemplate: args['remote-dir'], commandTemplate: args['remote-command'] },
    client: openSshClient({ configFile: args['ssh-config'] }),
    push: args.push,
    liveLog: args.ui || args['ui-port'] !== undefined,
  });
  const elsewhere = config.peers.filter((p) => !isThisMachine(p.host));
  if (args.ssh === 'never' && elsewhere.length > 0) {
    const names = elsewhere.map((p) => `${p.peerId} (${p.host})`).join(', ');
    console.error(`swarm: peers ${names} are on other machines and --ssh never starts peers on this machine only. Drop --ssh never to start them over ssh, or start those with 'peerProcess <id>' on their hosts.`);
    return ExitCode.Config;
  }
  const overSsh = config.peers.filter((p) => remote.isRemote(p));
  if (protocolOf(config.common) === 'bittorrent' && overSsh.length > 0) {
    // The remote path follows each peer's protocol log (log_peer_<id>.log), which BitTorrent peers do not write.
    const names = overSsh.map((p) => `${p.peerId} (${p.host})`).join(', ');
    console.error(`swarm: peers ${names} would start over ssh, but a BitTorrent swarm (Protocol bittorrent) runs on this machine only for now: list every peer on this machine, or use the course protocol for remote runs.`);
    return ExitCode.Config;
  }
  const peersDir = path.resolve(args['peers-dir']);
  const logDir = path.resolve(args['log-dir']);
  try {
    // Checked (or made) here: the files of the seeders run here, and of remote ones --push copies from here.
    // Nothing is, when every seeder runs elsewhere with its own file; no seeder at all is still an error.
    const seedConfig = { ...config, peers: config.peers.filter((p) => args.push || !remote.isRemote(p)) };
    const checkedHere = seedConfig.peers.some((p) => p.hasFile) || !config.peers.some((p) => p.hasFile);
    for (const file of checkedHere ? await prepareSeedFiles(seedConfig, peersDir, args['make-file']) : []) console.log(`created ${file}`);
  } catch (error) {
    if (!(error instanceof SeedFileError)) throw error;
    console.error(`swarm: ${error.message}`);
    return ExitCode.SeedFile;
  }

  let tracker: RunningTracker | undefined;
  if (protocolOf(config.common) === 'bittorrent' && peerDiscoveryOf(config.common) === 'listed') {
    try {
      tracker = await startEmbeddedTracker(config, args.verbose ? (a) => console.log(`[tracker] ${a.event} ${a.peer} (${a.left} bytes left)`) : undefined);
    } catch (error) {
      if (!(error instanceof EmbeddedTrackerError)) throw error;
      console.error(`swarm: ${error.message}`);
      return ExitCode.PortInUse;
    }
    console.log(`tracker: ${tracker.httpUrl} (and ${tracker.udpUrl}), until the run ends`);
    await warnOfOtherTracker(config);
  }
  // Stopped once the peers are (they tell it `stopped` on the way out), or on the way out of a run that never started them.
  let closing: Promise<void> | undefined;
  const stopTracker = () => (closing ??= tracker?.close() ?? Promise.resolve());
  try {
    for (const line of await remote.prepare(peersDir, !args.resume)) console.log(line);
    return await runPeers(config, args, remote, peersDir, logDir, stopTracker);
  } catch (error) {
    if (!(error instanceof RemoteError)) throw error;
    console.error(`swarm: ${error.message}`);
    return ExitCode.RemoteHost;
  } finally {
    await stopTracker();
  }
}

async function runPeers(config: Config, args: SwarmArgs, remote: RemoteSwarm, peersDir: string, logDir: string, peersDone: () => Promise<void>): Promise<number> {
  if (!args.resume) clearLeechers(config.peers.filter((p) => !remote.isRemote(p)), config, peersDir);
  // A fresh run replaces every peer's logs; a resumed one continues its peers' and sets aside only the others'.
  const setAside = setAsidePreviousLogs(logDir, new Set(args.resume ? config.peers.map((p) => p.peerId) : []));
  if (setAside.moved > 0) console.log(`moved the previous run's ${setAside.moved} log files to ${setAside.dir} (replacing the run before it there), so check-logs and report read this run only`);
  console.log(`starting ${config.peers.length} peers: ${config.common.fileName}, ${config.common.fileSize} bytes in ${config.common.pieceCount} pieces; logs in ${logDir}`);
  const withUi = args.ui || args['ui-port'] !== undefined;
  const launcher = new SwarmLauncher({
    peers: config.peers,
    configDir: path.resolve(args['config-dir']),
    peersDir,
    logDir,
    logLevel: args['log-level'],
    timeoutMs: args.timeout * 1000,
    onOutput: args.verbose ? (peerId, line) => console.log(`[${peerId}] ${line}`) : undefined,
    restartCrashed: args['restart-crashed'],
    kills: args.kill.map(parseKill),
    extraArgs: peerArguments(config, args),
    liveLog: withUi,
    startPeer: (peer, peerArgs, restarted) => remote.startPeer(peer, peerArgs, restarted),
  });
  let dashboard: Dashboard | undefined;
  if (withUi) {
    try {
      dashboard = await startDashboard({ swarm: launcher, facts: dashboardFacts(config), port: args['ui-port'] ?? 0 });
    } catch (error) {
      console.error(`swarm: the dashboard cannot listen on 127.0.0.1:${args['ui-port'] ?? 0}: ${error instanceof Error ? error.message : String(error)}`);
      return ExitCode.PortInUse;
    }
    console.log(`dashboard: ${dashboard.url}`);
  }
  const view = new ProgressView(() => launcher.runs, process.stdout);
  let interrupted = false;
  const interrupt = () => {
    interrupted = true;
    launcher.stopAll('interrupted');
  };
  process.once('SIGINT', interrupt).once('SIGTERM', interrupt);
  if (!args.verbose) view.start();
  const swarm = await launcher.run();
  await peersDone();
  view.stop();
  process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
  // Still ours after the run: a Ctrl-C while the remote logs come back stops the collection
  // between peers (the summary and copy check follow, exit 130) instead of killing us midway.
  let collecting = true;
  const interruptLate = () => {
    interrupted = true;
    collecting = false;
  };
  process.once('SIGINT', interruptLate).once('SIGTERM', interruptLate);
  if (args.collect && remote.peers.length > 0) {
    const { collected, problems } = await remote.collect(logDir, () => !collecting);
    for (const problem of problems) console.error(`swarm: ${problem}`);
    console.log(`collected the logs of ${collected} remote peers into ${logDir}`);
  }
  const code = await report(swarm, config, peersDir, logDir, remote);
  process.off('SIGINT', interruptLate).off('SIGTERM', interruptLate);
  if (dashboard) await closeDashboard(dashboard, !interrupted);
  return interrupted ? ExitCode.Interrupted : code;
}

/**
 * The peers announce to the trackers their .torrent names: one made by
 * another run (another TrackerPort), or by hand, may not name this run's.
 * They still find each other through PeerInfo.cfg; the warning says how to
 * get the tracker back. A .torrent that cannot be read is the peers' to report.
 */
async function warnOfOtherTracker(config: Config): Promise<void> {
  const url = embeddedTrackerUrl(config);
  const meta = await loadMetaInfoForConfig(config).catch(() => undefined);
  if (!meta || meta.trackerTiers.flat().includes(url)) return;
  console.error(
    `swarm: warning: ${config.common.extras.get('MetaInfo')} announces to ${meta.trackerTiers.flat().join(', ') || 'no tracker'}, not to this run's ${url}: ` +
      'the peers find each other through PeerInfo.cfg only; delete it and run with --make-file to make one that names this tracker',
  );
}

/**
 * On a terminal the page stays up after the run, showing how it ended, until
 * Ctrl-C; in a script or CI, or after a Ctrl-C that stopped the run, it closes with the run.
 */
async function closeDashboard(dashboard: Dashboard, mayLinger: boolean): Promise<void> {
  if (mayLinger && process.stdin.isTTY && process.stdout.isTTY) {
    dashboard.refuseCommands('the run has ended: the page shows how it ended; start a new run to try again');
    console.log(`the dashboard stays up at ${dashboard.url} with the end state: Ctrl-C to close it`);
    await new Promise<void>((resolve) => {
      const done = () => {
        process.off('SIGINT', done).off('SIGTERM', done);
        resolve();
      };
      process.once('SIGINT', done).once('SIGTERM', done);
    });
  }
  await dashboard.close();
}

async function report(swarm: SwarmRun, config: Config, peersDir: string, logDir: string, remote: RemoteSwarm): Promise<number> {
  console.log(`\n${summaryTable(swarm, outputWidth(process.stdout))}\n`);
  console.log(`every process exited ${formatSeconds(swarm.endedMs - swarm.lastStartMs)} after the last peer started`);
  const failed = swarm.runs.filter((run) => !finishedCleanly(run));
  for (const run of failed) {
    console.error(`\npeer ${run.peer.peerId}: ${describeEnd(run)}${run.tail.length > 0 ? '; its last output lines:' : ''}`);
    for (const line of run.tail) console.error(`  ${line}`);
    const logLines = lastLines(protocolLogPath(logDir, run.peer.peerId), 5);
    if (logLines.length > 0) console.error(`its protocol log ends with:\n${logLines.map((l) => `  ${l}`).join('\n')}`);
  }
  const checks = await verifyCopies(config, peersDir, (peer) => remote.copyOf(peer, localCopy(config, peersDir, peer)));
  const bad = checks.filter((c) => !c.matches);
  // A peer reported as failed has an incomplete copy: saying so again would bury the cause.
  const failedIds = new Set(failed.map((run) => run.peer.peerId));
  for (const check of bad.filter((c) => !failedIds.has(c.peerId))) console.error(`copy of peer ${check.peerId} (${check.file}): ${check.problem}`);
  if (bad.length === 0) console.log(`all ${checks.length} copies are byte-identical to the seeder's (SHA-1)`);
  // Last, where it is seen first: why each peer that failed gave up, in its own words, without --verbose.
  const reasons = failed.filter((run) => run.end?.kind === 'exited').map((run) => `peer ${run.peer.peerId} ${describeEnd(run)}${run.fatal ? `: ${run.fatal}` : ''}`);
  if (reasons.length > 0) console.error(`\n${reasons.join('\n')}`);
  return failed.length === 0 && bad.length === 0 ? ExitCode.Ok : ExitCode.SwarmFailed;
}

/** Each peer's own peerProcess arguments: its rate limits (--limit, repeatable) and its metrics port. */
function peerArguments(config: Config, args: SwarmArgs): Map<number, string[]> {
  const extra = new Map<number, string[]>();
  const add = (peerId: number, more: string[]) => extra.set(peerId, [...(extra.get(peerId) ?? []), ...more]);
  for (const [peerId, limits] of args.limit.map(parseLimit)) add(peerId, limits);
  const base = args['metrics-base-port'];
  if (base !== undefined) {
    config.peers.forEach((peer, i) => add(peer.peerId, ['--metrics-port', String(base + i)]));
    console.log(`metrics: http://127.0.0.1:${base}/metrics to :${base + config.peers.length - 1}/metrics, one port per peer in PeerInfo.cfg order`);
  }
  return extra;
}

/** "1003@50" -> kill peer 1003 half-way. */
function parseKill(plan: string): PlannedKill {
  const match = /^(\d+)@(\d+(?:\.\d+)?)%?$/.exec(plan);
  if (!match || Number(match[2]) > 100) throw new Error(`--kill takes ID@PERCENT (e.g. 1003@50), got '${plan}'`);
  return { peerId: Number(match[1]), atPercent: Number(match[2]) };
}

function lastLines(file: string, count: number): string[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8').trimEnd();
  return text ? text.split('\n').slice(-count) : [];
}

/** "1003:up=2MiB/s,down=1MiB/s" -> peer 1003 runs with --max-upload-rate 2MiB/s --max-download-rate 1MiB/s. */
function parseLimit(text: string): [number, string[]] {
  const match = /^(\d+):(.+)$/.exec(text);
  const args: string[] = [];
  for (const part of match ? match[2].split(',') : []) {
    const [direction, rate] = part.split('=');
    if (!['up', 'down'].includes(direction) || !rate || parseRate(rate) === undefined) break;
    args.push(direction === 'up' ? '--max-upload-rate' : '--max-download-rate', rate);
  }
  if (!match || args.length !== 2 * match[2].split(',').length) {
    throw new Error(`--limit takes ID:up=RATE,down=RATE (e.g. 1003:up=2MiB/s), got '${text}'`);
  }
  return [Number(match[1]), args];
}

/** A fresh experiment: every leecher starts from nothing (its file and resume state go). */
function clearLeechers(peers: readonly PeerInfo[], config: Config, peersDir: string): void {
  for (const peer of peers.filter((p) => !p.hasFile)) {
    const file = path.join(peerDirectory(peersDir, peer.peerId), config.common.fileName);
    for (const target of [file, resumePath(file)]) rmSync(target, { force: true });
  }
}
