import { createReadStream, promises as fs } from 'fs';
import * as path from 'path';
import type { Readable } from 'stream';
import { shellQuote } from './shellQuote.js';
import type { SshClient } from './ssh.js';
import { explainSshFailure } from './sshErrors.js';

/** A remote step that failed, said in the user's terms (host, file, what to do). */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';
}

/** Runs a script on the host and returns its stdout, or throws a RemoteError saying what failed. */
export async function runRemote(client: SshClient, host: string, script: string, input?: Readable): Promise<Buffer> {
  const result = await client.run(host, script, input);
  if (result.code === 0) return result.stdout;
  const explained = explainSshFailure(host, result.code, result.stderr);
  throw new RemoteError(explained ?? `on ${host}, '${script}' failed (exit ${result.code}): ${result.stderr.trim() || 'no message'}`);
}

/** Copies a local file there over ssh (`cat >`: no scp or rsync needed), making its directory. */
export async function pushFile(client: SshClient, host: string, localFile: string, remoteFile: string): Promise<void> {
  const target = shellQuote(remoteFile);
  await runRemote(client, host, `mkdir -p ${shellQuote(path.posix.dirname(remoteFile))} && cat > ${target}`, createReadStream(localFile));
}

/**
 * A script line that writes a small file there: its bytes travel inside the
 * script in base64, so several files take one session, and a binary one (a
 * .torrent: SHA-1 digests) arrives byte for byte as text would not.
 */
export function writeFileScript(remoteFile: string, bytes: Buffer): string {
  return `printf '%s' ${shellQuote(bytes.toString('base64'))} | base64 -d > ${shellQuote(remoteFile)}`;
}

/**
 * Brings a remote file here, with a second one that may be missing, over one
 * session: the first file's size comes first, then both files (logs: small
 * enough to hold in memory). The second is written only when it is there.
 */
export async function fetchFiles(client: SshClient, host: string, files: { remote: string; local: string }, optional: { remote: string; local: string }): Promise<void> {
  const script = `wc -c < ${shellQuote(files.remote)} && cat ${shellQuote(files.remote)} && { cat ${shellQuote(optional.remote)} 2>/dev/null; true; }`;
  const output = await runRemote(client, host, script);
  const newline = output.indexOf(0x0a);
  const size = Number(output.subarray(0, newline).toString('ascii').trim());
  if (newline < 0 || !Number.isInteger(size)) throw new RemoteError(`on ${host}, wc -c ${files.remote} printed no size`);
  const body = output.subarray(newline + 1);
  await fs.mkdir(path.dirname(files.local), { recursive: true });
  await fs.writeFile(files.local, body.subarray(0, size));
  if (body.length > size) await fs.writeFile(optional.local, body.subarray(size));
}

/** The SHA-1 of a remote file, computed there (`sha1sum`): the file does not travel. */
export async function remoteSha1(client: SshClient, host: string, remoteFile: string): Promise<string> {
  const output = (await runRemote(client, host, `sha1sum ${shellQuote(remoteFile)}`)).toString('utf8');
  const digest = /^[0-9a-f]{40}\b/.exec(output);
  if (!digest) throw new RemoteError(`on ${host}, sha1sum ${remoteFile} printed no digest: '${output.trim()}'`);
  return digest[0];
}
