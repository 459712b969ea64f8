import { spawn, type ChildProcess } from 'child_process';
import { builtPeerProcess } from '../common/packageFiles.js';
import type { PeerInfo } from '../config/PeerInfo.js';
import type { PeerCommand } from '../control/PeerCommand.js';
import type { PeerStatus } from '../node/PeerStatus.js';
import { EventBus } from '../node/EventBus.js';
import { LIVE_LOG_ENV, isPeerReport, type ControlRequest, type NeighbourSummary, type PeerReport, type ResourceUse } from './PeerReport.js';
import type { PeerLifecycle, SwarmControl, SwarmEvents } from './SwarmControl.js';

export interface LaunchOptions {
  peers: readonly PeerInfo[];
  configDir: string;
  peersDir: string;
  logDir: string;
  logLevel: string;
  /** Whole-run limit; peers still running then are reported and stopped. */
  timeoutMs: number;
  /** Longest wait for one peer to bind its port before the next one starts. */
  startTimeoutMs?: number;
  /** More peerProcess arguments for some peers (their own rate limits, say). */
  extraArgs?: ReadonlyMap<number, readonly string[]>;
  /** The peerProcess script to run (default: the one built beside this file). */
  peerProcessScript?: string;
  /** Receives every line a peer prints (its diagnostics). */
  onOutput?(peerId: number, line: string): void;
  onReport?(report: PeerReport): void;
  /** A peer that dies (non-zero exit or a signal) is started again, up to this many times; 0 stops the swarm instead. */
  restartCrashed?: number;
  /** Ask the peers for their protocol sentences as they are written (a live view listens to 'logLines'). */
  liveLog?: boolean;
  /** Experiments: SIGKILL a leecher once it holds this share of its pieces (a seeder: once the leechers together do). */
  kills?: readonly PlannedKill[];
  /** Starts a peer some other way (over ssh), given the peerProcess arguments after its ID; undefined: a local process. */
  startPeer?(peer: PeerInfo, args: readonly string[], restarted: boolean): PeerHandle | undefined;
}

/** A running peer as the launcher sees it: a local child process (IPC channel and all), or a peer over ssh. */
export interface PeerHandle {
  readonly pid?: number;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  readonly connected: boolean;
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  send(message: ControlRequest, callback: (error: Error | null) => void): boolean;
  kill(signal?: NodeJS.Signals): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  once(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
}

export interface PlannedKill {
  peerId: number;
  /** 0 to 100: the progress that triggers the kill. */
  atPercent: number;
}

export type PeerEnd =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'timed-out' }
  | { kind: 'stopped'; because: string }
  | { kind: 'not-started'; because: string };

export interface PeerRun {
  peer: PeerInfo;
  pid?: number;
  startedAtMs?: number;
  completedAtMs?: number;
  exitedAtMs?: number;
  piecesHeld: number;
  pieceCount: number;
  bytesDownloaded: number;
  bytesUploaded: number;
  neighbours: NeighbourSummary[];
  resources?: ResourceUse;
  end?: PeerEnd;
  /** The last lines it printed, for a failure report. */
  tail: string[];
  /** Why it gave up, in its own words: its last stderr line `peerProcess <id>: ...` (a taken port, a bad config), since it was last started. */
  fatal?: string;
  /** How many times it was started again after dying. */
  restarts: number;
}

export interface SwarmRun {
  runs: PeerRun[];
  /** When the last peer was started. */
  lastStartMs: number;
  endedMs: number;
  timedOut: boolean;
}

const TAIL_LINES = 15;
const KILL_GRACE_MS = 3_000;
/** A peer that does not answer a control command within this is reported as not answering. */
const COMMAND_TIMEOUT_MS = 10_000;

/**
 * Starts every peer of PeerInfo.cfg in file order, each as its own process,
 * waiting for each to listen before starting the next, then waits for all of
 * them to exit. A peer that fails or hangs stops the run: the others are
 * stopped, by pid, and every run is reported. While it runs, it relays each
 * peer's status and control commands (the dashboard's SwarmControl).
 */
export class SwarmLauncher implements SwarmControl {
  private readonly children = new Map<number, PeerHandle>();
  /** Why the launcher stopped a peer, by peer ID: its exit is then not a failure of its own. */
  private readonly stopReasons = new Map<number, PeerEnd>();
  private readonly pendingKills: PlannedKill[];
  private failure: string | undefined;
  private readonly events = new EventBus<SwarmEvents>();
  private readonly statuses = new Map<number, PeerStatus>();
  private readonly lifecycles = new Map<number, PeerLifecycle>();
  /** Peers to start again once their process has exited (restart from the control interface). */
  private readonly restartRequested = new Set<number>();
  /** Every peer's supervision, including ones started again after the first round. */
  private readonly supervisions = new Set<Promise<void>>();
  private readonly pendingCommands = new Map<number, { peerId: number; resolve(): void; reject(error: Error): void }>();
  private nextCommandId = 1;

  /** One entry per peer, updated as the run goes (the progress view reads it). */
  readonly runs: PeerRun[];

  constructor(private readonly options: LaunchOptions) {
    this.runs = options.peers.map((peer) => newRun(peer));
    this.pendingKills = [...(options.kills ?? [])];
  }

  get peers(): readonly PeerInfo[] {
    return this.options.peers;
  }

  statusOf(peerId: number): PeerStatus | undefined {
    return this.statuses.get(peerId);
  }

  lifecycleOf(peerId: number): PeerLifecycle {
    return this.lifecycles.get(peerId) ?? 'waiting';
  }

  on<K extends keyof SwarmEvents>(event: K, listener: (payload: SwarmEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  command(peerId: number, command: PeerCommand): Promise<void> {
    const child = this.children.get(peerId);
    if (!child?.connected || this.lifecycleOf(peerId) !== 'running') return Promise.reject(new Error(`peer ${peerId} is not running`));
    const id = this.nextCommandId++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => settle(new Error(`peer ${peerId} did not answer within ${COMMAND_TIMEOUT_MS / 1000} s`)), COMMAND_TIMEOUT_MS);
      const settle = (error?: Error) => {
        clearTimeout(timer);
        this.pendingCommands.delete(id);
        if (error) reject(error);
        else resolve();
      };
      this.pendingCommands.set(id, { peerId, resolve: () => settle(), reject: settle });
      const request: ControlRequest = { type: 'control', id, command };
      child.send(request, (error) => error && settle(new Error(`peer ${peerId}: ${error.message}`)));
    });
  }

  /** SIGKILL from the control interface: the swarm goes on without the peer (a restart brings it back). */
  kill(peerId: number): void {
    const child = this.children.get(peerId);
    if (!child) return;
    this.stopReasons.set(peerId, { kind: 'stopped', because: 'killed from the control interface' });
    this.setLifecycle(peerId, 'killed', 'SIGKILL from the control interface');
    child.kill('SIGKILL');
  }

  /** Starts the peer again: at once if it has exited, else as soon as it has been killed. */
  restart(peerId: number): void {
    const run = this.runs.find((r) => r.peer.peerId === peerId);
    if (!run || this.failure || this.lifecycleOf(peerId) === 'waiting') return;
    if (this.children.has(peerId)) {
      this.restartRequested.add(peerId);
      this.kill(peerId);
      return;
    }
    run.end = undefined;
    this.prepareManualRestart(run);
    this.track(this.supervise(run, () => {}));
  }

  /** A restart asked for through the control interface: the kill that preceded it was not a failure. */
  private prepareManualRestart(run: PeerRun): void {
    this.stopReasons.delete(run.peer.peerId);
    run.restarts++;
    this.output(run, `[swarmlab] starting peer ${run.peer.peerId} again (control interface)`);
  }

  async run(): Promise<SwarmRun> {
    const { runs } = this;
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      this.stopAll('the run passed its --timeout', true);
    }, this.options.timeoutMs);
    try {
      for (const run of runs) {
        if (this.failure) {
          run.end = { kind: 'not-started', because: this.failure };
          continue;
        }
        await new Promise<void>((ready) => this.track(this.supervise(run, ready)));
      }
      const lastStartMs = Date.now();
      // A restart from the control interface adds a supervision while we wait.
      while (this.supervisions.size > 0) await Promise.race(this.supervisions);
      const swarm: SwarmRun = { runs, lastStartMs, endedMs: Date.now(), timedOut };
      this.events.emit('ended', swarm);
      return swarm;
    } finally {
      clearTimeout(deadline);
    }
  }

  /** Stops every peer still running (SIGTERM, then SIGKILL after a grace period). */
  stopAll(because: string, timedOut = false): void {
    this.failure ??= because;
    for (const [peerId, child] of this.children) {
      this.stopReasons.set(peerId, timedOut ? { kind: 'timed-out' } : { kind: 'stopped', because });
      child.kill('SIGTERM');
      setTimeout(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'), KILL_GRACE_MS).unref();
    }
  }

  /**
   * Runs one peer until it ends for good: started again after a crash when
   * allowed. `ready` is called once, when it first listens (or fails to).
   */
  private track(supervision: Promise<void>): void {
    this.supervisions.add(supervision);
    void supervision.finally(() => this.supervisions.delete(supervision));
  }

  private async supervise(run: PeerRun, ready: () => void): Promise<void> {
    for (;;) {
      const { code, signal } = await this.spawnOnce(run, ready);
      if (this.restartRequested.delete(run.peer.peerId) && !this.failure) {
        this.prepareManualRestart(run);
        continue;
      }
      const stopped = this.stopReasons.get(run.peer.peerId);
      const crashed = !stopped && code !== 0;
      if (crashed && !this.failure && run.restarts < (this.options.restartCrashed ?? 0)) {
        run.restarts++;
        this.output(run, `[swarmlab] peer ${run.peer.peerId} exited with ${code ?? signal}: starting it again (restart ${run.restarts})`);
        continue;
      }
      run.end = stopped ?? { kind: 'exited', code, signal };
      if (crashed) this.stopAll(`peer ${run.peer.peerId} exited with ${code ?? signal}`);
      // Only now, with the failure known: the next peer is not started just to be stopped.
      ready();
      return;
    }
  }

  private spawnOnce(run: PeerRun, ready: () => void): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const { options } = this;
    const peerArgs = [
      '--log-level', options.logLevel,
      ...(options.extraArgs?.get(run.peer.peerId) ?? []),
      // A peer started again continues its logs, so they tell its whole story.
      ...(run.restarts > 0 ? ['--append-logs'] : []),
    ];
    const child = options.startPeer?.(run.peer, peerArgs, run.restarts > 0) ?? this.spawnLocal(run.peer, peerArgs);
    run.pid = child.pid;
    this.setLifecycle(run.peer.peerId, 'starting', `pid ${child.pid}`);
    run.startedAtMs ??= Date.now();
    this.children.set(run.peer.peerId, child);
    run.fatal = undefined;
    // `peerProcess: ` too: a usage error or an internal one, whose stack follows on lines of its own.
    // `remote peer <id>: `: why its ssh session failed.
    const fatal = new RegExp(`^(?:peerProcess(?: ${run.peer.peerId})?|remote peer ${run.peer.peerId}): `);
    collectLines(child.stdout, (line) => this.output(run, line));
    collectLines(child.stderr, (line) => {
      if (fatal.test(line)) run.fatal = line;
      this.output(run, line);
    });

    const startTimeoutMs = options.startTimeoutMs ?? 20_000;
    const startWait = setTimeout(() => {
      this.stopAll(`peer ${run.peer.peerId} did not start listening within ${startTimeoutMs / 1000} s`);
      ready();
    }, startTimeoutMs);
    child.on('message', (message) => {
      if (!isPeerReport(message)) return;
      this.apply(run, message);
      if (message.type === 'ready') {
        clearTimeout(startWait);
        this.setLifecycle(run.peer.peerId, 'running', `listening on port ${message.port}`);
        ready();
      }
      this.killAsPlanned();
    });
    return new Promise((resolve) => {
      // 'close', not 'exit': by then its last output lines have been read.
      child.once('close', (code, signal) => {
        clearTimeout(startWait);
        this.children.delete(run.peer.peerId);
        run.exitedAtMs = Date.now();
        if (this.lifecycleOf(run.peer.peerId) !== 'killed') this.setLifecycle(run.peer.peerId, 'exited', `exit ${code ?? signal}`);
        this.failPendingCommands(run.peer.peerId);
        resolve({ code, signal });
      });
    });
  }

  private spawnLocal(peer: PeerInfo, peerArgs: readonly string[]): ChildProcess {
    const { options } = this;
    const args = [
      options.peerProcessScript ?? builtPeerProcess(),
      String(peer.peerId),
      '--config-dir', options.configDir,
      '--peers-dir', options.peersDir,
      '--log-dir', options.logDir,
      ...peerArgs,
    ];
    const env = options.liveLog ? { ...process.env, [LIVE_LOG_ENV]: '1' } : process.env;
    return spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env });
  }

  /** Experiments (--kill): SIGKILL, no warning, like a laptop lid closing. */
  private killAsPlanned(): void {
    for (const kill of [...this.pendingKills]) {
      const run = this.runs.find((r) => r.peer.peerId === kill.peerId);
      const child = this.children.get(kill.peerId);
      const percent = run && this.progressFor(run);
      if (!run || !child || percent === undefined || percent < kill.atPercent) continue;
      this.pendingKills.splice(this.pendingKills.indexOf(kill), 1);
      this.output(run, `[swarmlab] killing peer ${kill.peerId} (SIGKILL) at ${percent.toFixed(0)}%, as planned`);
      this.setLifecycle(kill.peerId, 'killed', `SIGKILL at ${percent.toFixed(0)}%, as planned`);
      child.kill('SIGKILL');
    }
  }

  /** A leecher's own progress; for a seeder, the leechers' combined progress. Undefined until known. */
  private progressFor(run: PeerRun): number | undefined {
    const counted = run.peer.hasFile ? this.runs.filter((r) => !r.peer.hasFile) : [run];
    if (counted.length === 0 || counted.some((r) => r.pieceCount === 0)) return undefined;
    const held = counted.reduce((sum, r) => sum + r.piecesHeld, 0);
    const needed = counted.reduce((sum, r) => sum + r.pieceCount, 0);
    return (100 * held) / needed;
  }

  private apply(run: PeerRun, report: PeerReport): void {
    switch (report.type) {
      case 'ready':
      case 'progress':
        run.piecesHeld = report.piecesHeld;
        run.pieceCount = report.pieceCount;
        if (report.type === 'progress') {
          run.bytesDownloaded = report.bytesDownloaded;
          run.bytesUploaded = report.bytesUploaded;
        }
        break;
      case 'downloadComplete':
        run.completedAtMs = Date.now();
        break;
      case 'summary':
        run.neighbours = report.neighbours;
        run.resources = report.resources;
        break;
      case 'status':
        this.statuses.set(report.peerId, report.status);
        this.events.emit('status', { peerId: report.peerId, status: report.status });
        break;
      case 'logLines':
        this.events.emit('logLines', { peerId: report.peerId, lines: report.lines, dropped: report.dropped });
        break;
      case 'controlResult': {
        const pending = this.pendingCommands.get(report.id);
        if (report.error) pending?.reject(new Error(`peer ${report.peerId}: ${report.error}`));
        else pending?.resolve();
        break;
      }
    }
    this.options.onReport?.(report);
  }

  private setLifecycle(peerId: number, state: PeerLifecycle, detail: string): void {
    this.lifecycles.set(peerId, state);
    this.events.emit('lifecycle', { peerId, state, detail });
  }

  /** Commands sent to a process that exited before answering. */
  private failPendingCommands(peerId: number): void {
    for (const pending of this.pendingCommands.values()) {
      if (pending.peerId === peerId) pending.reject(new Error(`peer ${peerId} exited before answering`));
    }
  }

  private output(run: PeerRun, line: string): void {
    run.tail.push(line);
    if (run.tail.length > TAIL_LINES) run.tail.shift();
    this.options.onOutput?.(run.peer.peerId, line);
  }
}

function newRun(peer: PeerInfo): PeerRun {
  return { peer, piecesHeld: 0, pieceCount: 0, bytesDownloaded: 0, bytesUploaded: 0, neighbours: [], tail: [], restarts: 0 };
}

export function collectLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => partial && onLine(partial));
}
