import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';

/**
 * The API's bearer token from `file`, or a new one (32 random bytes in hex)
 * written there readable by its owner alone. The new file appears whole or not
 * at all (written aside, then linked into place), and when two processes race,
 * both end with the one that got there first.
 */
export async function loadOrCreateToken(file: string): Promise<string> {
  const existing = await readToken(file);
  if (existing) return existing;
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('hex');
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(aside, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await fs.link(aside, file);
    return token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const theirs = await readToken(file);
    if (!theirs) throw new Error(`${file}: the API token file is empty: delete it, and a new token is made`);
    return theirs;
  } finally {
    await fs.rm(aside, { force: true });
  }
}

async function readToken(file: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** In constant time, whatever the lengths: both are hashed first, so neither the length nor a matching prefix shows in the timing. */
export function tokensMatch(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
