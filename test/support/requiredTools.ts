/**
 * The Debian packages the tests drive. Each is installed by the README's test
 * command (`npm run setup`, test/setup/debian-packages.sh); a test that finds
 * one missing fails, naming that command: it is never skipped.
 */
export const SETUP_COMMAND = 'npm run setup';

export type DebianPackage = 'python3' | 'mktorrent' | 'chromium' | 'aria2' | 'python3-libtorrent' | 'openssh-server' | 'tmux';

export function missingToolError(pkg: DebianPackage, what: string, detail = ''): Error {
  return new Error(
    `${what} is missing${detail ? ` (${detail})` : ''}: this test needs Debian's ${pkg} package. ` +
      `Run \`${SETUP_COMMAND}\` (as root or with sudo; it runs apt-get install -y ${pkg}). This test is never skipped.`,
  );
}
