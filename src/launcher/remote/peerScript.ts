import { MISSING_DIR_EXIT } from './sshErrors.js';
import { shellQuote } from './shellQuote.js';

/** The first line a remote peer's session prints: the peer's pid there, so that exactly it can be stopped. */
export const REMOTE_PID_MARKER = 'swarmlab-remote-pid';

export interface PeerScriptOptions {
  /** The remote working directory. */
  dir: string;
  /** The peer's command line, already quoted. */
  command: string;
  /** Its protocol log, relative to dir: followed over the session for progress. */
  logFile: string;
  /** A fresh run: the last run's log goes first, so that its lines are not read as this run's progress. */
  freshLog: boolean;
}

/**
 * The shell script one ssh session runs for a peer: in its directory, start
 * the peer in the background, print its pid, follow its protocol log (GNU
 * tail, until the peer exits) so its progress reaches us over the session,
 * and end with the peer's own exit code. A watcher stops the peer when the
 * session's stdin closes: the launcher (or its ssh) died, or a Ctrl-C in the
 * terminal reached ssh first; no peer is left running with nobody watching.
 * (A background job's stdin is /dev/null, hence the copy on fd 3.)
 */
export function peerScript(options: PeerScriptOptions): string {
  const log = shellQuote(options.logFile);
  return [
    `cd ${shellQuote(options.dir)} || exit ${MISSING_DIR_EXIT}`,
    ...(options.freshLog ? [`rm -f ${log}`] : []),
    `${options.command} & pid=$!`,
    `echo "${REMOTE_PID_MARKER} $pid"`,
    'exec 3<&0',
    '{ cat <&3; kill $pid; } >/dev/null 2>&1 & watcher=$!',
    `tail -s 0.2 -n +1 -F --pid=$pid ${log} 2>/dev/null`,
    'wait $pid; code=$?',
    // Its cat lingers until the session closes, harmless: the kill that follows it must not hit a reused pid.
    'kill $watcher 2>/dev/null',
    'exit $code',
  ].join('; ');
}
