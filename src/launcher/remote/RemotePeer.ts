import { EventEmitter } from 'events';
import { PassThrough } from 'stream';
import type { PeerInfo } from '../../config/PeerInfo.js';
import { parseLogLine } from '../../log/specSentences.js';
import type { PeerReport } from '../PeerReport.js';
import { collectLines, type PeerHandle } from '../SwarmLauncher.js';
import { REMOTE_PID_MARKER, peerScript } from './peerScript.js';
import type { SshClient, SshSession } from './ssh.js';
import { explainSshFailure } from './sshErrors.js';

export interface RemotePeerOptions {
  client: SshClient;
  peer: PeerInfo;
  /** Its remote working directory. */
  dir: string;
  /** Its command line there. */
  command: string;
  /** Its protocol log, relative to dir. */
  logFile: string;
  /** A fresh start, not a restart that continues its log. */
  freshLog: boolean;
  pieceCount: number;
  /** Bytes of piece `index` (the last one is shorter). */
  pieceBytes(index: number): number;
  /** Relay its protocol sentences as they come (a live view shows them). */
  liveLog: boolean;
}

/** Our peerProcess's diagnostic once it listens: the cue to start the next peer. */
const LISTENING = /listening on port (\d+)/;
const STDERR_KEPT = 4_000;

/**
 * A peer started over ssh, seen by the launcher as it sees a local process:
 * its output lines, reports ('ready' when it says it listens, 'progress' and
 * 'downloadComplete' from its protocol log, which its session follows), kill
 * (by its pid there, then the session) and 'close' with its exit code. When
 * ssh itself fails, a last stderr line says why, in the user's terms.
 * Control commands (pause, limits) do not reach it: it has no IPC channel.
 */
export class RemotePeer extends EventEmitter implements PeerHandle {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly connected = false;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  /** The peer's pid on its host, once its session has said it. */
  remotePid: number | undefined;
  private readonly session: SshSession;
  private stderrText = '';
  private ready = false;
  private ended = false;
  /** A kill asked for before the pid was known. */
  private pendingSignal: NodeJS.Signals | undefined;
  private bytesDownloaded = 0;

  constructor(private readonly options: RemotePeerOptions) {
    super();
    const { client, peer, dir, command, logFile, freshLog } = options;
    this.session = client.start(peer.host, peerScript({ dir, command, logFile, freshLog }));
    collectLines(this.session.stdout, (line) => this.onLine(line, this.stdout));
    collectLines(this.session.stderr, (line) => {
      this.stderrText = (this.stderrText + line + '\n').slice(-STDERR_KEPT);
      this.onLine(line, this.stderr);
    });
    this.session.once('close', (code, signal) => this.end(code, signal));
    this.session.once('error', (error) => {
      this.stderrText += `ssh: ${error.message}\n`;
      this.end(255, null);
    });
  }

  get pid(): number | undefined {
    return this.session.pid;
  }

  send(_message: unknown, callback: (error: Error | null) => void): boolean {
    callback(new Error(`peer ${this.options.peer.peerId} runs over ssh: control commands do not reach it`));
    return false;
  }

  /**
   * Signals the peer on its host (`kill -TERM <pid>` over a second session);
   * its own session then ends with it. Asked before the session has said the
   * pid, it waits for it; SIGKILL also closes the session from this end, for
   * a host that no longer answers (the peer's watcher then stops it there).
   */
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.remotePid !== undefined) this.signalRemote(this.remotePid, signal);
    else if (signal === 'SIGKILL') this.session.kill('SIGTERM');
    else this.pendingSignal = signal;
    return true;
  }

  private signalRemote(pid: number, signal: NodeJS.Signals): void {
    const sent = this.options.client.run(this.options.peer.host, `kill -${signal.replace(/^SIG/, '')} ${pid} 2>/dev/null`);
    if (signal === 'SIGKILL') void sent.then(() => this.session.kill('SIGTERM'));
  }

  private onLine(line: string, stream: PassThrough): void {
    const { peer } = this.options;
    const marker = new RegExp(`^${REMOTE_PID_MARKER} (\\d+)$`).exec(line);
    if (marker) {
      this.remotePid = Number(marker[1]);
      if (this.pendingSignal) this.signalRemote(this.remotePid, this.pendingSignal);
      return;
    }
    const parsed = parseLogLine(line);
    if (parsed && parsed.event.peer === peer.peerId) {
      this.onSentence(line, parsed.event);
      return;
    }
    stream.write(`${line}\n`);
    const listening = LISTENING.exec(line);
    if (listening && !this.ready) {
      this.ready = true;
      const piecesHeld = peer.hasFile ? this.options.pieceCount : 0;
      this.report({ type: 'ready', peerId: peer.peerId, port: Number(listening[1]), piecesHeld, pieceCount: this.options.pieceCount });
    }
  }

  private onSentence(line: string, event: NonNullable<ReturnType<typeof parseLogLine>>['event']): void {
    const peerId = this.options.peer.peerId;
    if (this.options.liveLog) this.report({ type: 'logLines', peerId, lines: [line], dropped: 0 });
    if (event.kind === 'downloadedPiece') {
      this.bytesDownloaded += this.options.pieceBytes(event.index);
      this.report({ type: 'progress', peerId, piecesHeld: event.count, pieceCount: this.options.pieceCount, bytesDownloaded: this.bytesDownloaded, bytesUploaded: 0 });
    }
    if (event.kind === 'completeFile') this.report({ type: 'downloadComplete', peerId });
  }

  private report(report: PeerReport): void {
    this.emit('message', report);
  }

  /** Once both streams have been read to their end: the launcher reads the last lines before 'close', as with a process. */
  private end(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.ended) return;
    this.ended = true;
    const { peer } = this.options;
    const why = explainSshFailure(peer.host, code, this.stderrText);
    if (why) this.stderr.write(`remote peer ${peer.peerId}: ${why}\n`);
    let open = 2;
    const closed = () => {
      if (--open > 0) return;
      this.exitCode = code;
      this.signalCode = signal;
      this.emit('close', code, signal);
    };
    for (const stream of [this.stdout, this.stderr]) {
      stream.once('end', closed);
      stream.end();
    }
  }
}
