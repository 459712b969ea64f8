/** The exit code of our remote scripts when their directory is missing (sh's own codes stop at 2, 126, 127 and 128+N). */
export const MISSING_DIR_EXIT = 97;

/** ssh's own failures (not the remote command's) exit 255. */
const SSH_FAILED = 255;
/** A POSIX shell's exit code for a command it cannot find. */
const COMMAND_NOT_FOUND = 127;

const UNREACHABLE = /Connection refused|Connection timed out|timed out|No route to host|Network is unreachable|Could not resolve hostname|Name or service not known|Connection closed by|Connection reset/i;

/**
 * What went wrong, in the user's terms, when an ssh session to `host` ends
 * with `code` and `stderr`; undefined when the code is none of ssh's or our
 * own failures (the remote peer's exit code speaks for itself).
 */
export function explainSshFailure(host: string, code: number | null, stderr: string): string | undefined {
  const said = lastLine(stderr);
  const quoted = said ? ` (${said})` : '';
  if (code === SSH_FAILED) {
    if (/Permission denied/i.test(stderr)) {
      return `${host} refuses our key${quoted}: add your public key to ~/.ssh/authorized_keys there (ssh-copy-id ${host}), or load it into ssh-agent`;
    }
    if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED/i.test(stderr)) {
      return `${host}'s host key is unknown or has changed${quoted}: run 'ssh ${host}' once by hand to check and accept it`;
    }
    if (UNREACHABLE.test(stderr)) return `${host} does not answer${quoted}: is the name right, the machine up and its ssh server running?`;
    return `ssh to ${host} failed${quoted}`;
  }
  if (code === COMMAND_NOT_FOUND) {
    return `a command was not found on ${host}${quoted}: is node installed there, and on the PATH of non-interactive shells? (see --remote-command)`;
  }
  if (code === MISSING_DIR_EXIT) return `its remote directory is missing on ${host}${quoted}: create it, or run with --push`;
  return undefined;
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
  return lines[lines.length - 1] ?? '';
}
