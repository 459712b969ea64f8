import { constants, promises as fs } from 'fs';
import * as path from 'path';
import { StorageError } from './StorageError.js';
import { ioStep } from './ioStep.js';

/**
 * Opening a torrent's files under a download folder without ever touching a
 * file outside it. The metainfo already refuses `..` and absolute paths; this is
 * the second line: a path that resolves outside the folder is refused here too,
 * and so is one that leaves it through a symbolic link already in the folder
 * (a link inside the folder that points inside it is followed). Each folder is
 * checked before anything is created in it, and every opened file is checked
 * again after opening, by its real path and its identity (device and inode).
 */

export interface OpenHow {
  /** Create the missing folders and the file. */
  create: boolean;
  writable: boolean;
}

/** The real path of the download folder (created first when asked). */
export async function realRoot(root: string, create: boolean): Promise<string> {
  return ioStep(root, async () => {
    if (create) await fs.mkdir(root, { recursive: true });
    return fs.realpath(root);
  });
}

/** Opens `segments` under `root` (a real path, from realRoot), never outside it. */
export async function openInside(root: string, segments: readonly string[], how: OpenHow): Promise<fs.FileHandle> {
  const target = path.resolve(root, ...segments);
  const relative = path.relative(root, target);
  if (!isInside(relative)) throw new StorageError(target, `is not inside ${root}: refusing to touch it`, 'io');
  let folder = root;
  for (const part of relative.split(path.sep).slice(0, -1)) {
    folder = path.join(folder, part);
    if (how.create) await ioStep(folder, () => fs.mkdir(folder).catch(ignoreCode('EEXIST')));
    await checkRealPathInside(root, folder);
  }
  // O_CREAT would create the target of a dangling link, wherever it points: such a link is refused first.
  const link = await ioStep(target, () => fs.lstat(target).catch(ignoreCode('ENOENT')));
  if (link?.isSymbolicLink()) await checkRealPathInside(root, target);
  const flags = how.writable ? constants.O_RDWR | (how.create ? constants.O_CREAT : 0) : constants.O_RDONLY;
  const handle = await ioStep(target, () => fs.open(target, flags, 0o644));
  try {
    const real = await checkRealPathInside(root, target);
    const [opened, there] = await ioStep(target, () => Promise.all([handle.stat(), fs.stat(real)]));
    if (opened.dev !== there.dev || opened.ino !== there.ino) throw new StorageError(target, 'was replaced while it was being opened', 'io');
    if (!opened.isFile()) throw new StorageError(target, 'is not a regular file', 'io');
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}


async function checkRealPathInside(root: string, file: string): Promise<string> {
  const real = await fs.realpath(file).catch((error: NodeJS.ErrnoException) => {
    throw new StorageError(file, error.code === 'ENOENT' ? 'does not exist (or is a symbolic link to nothing)' : `cannot be resolved (${error.code})`, 'io');
  });
  if (!isInside(path.relative(root, real))) throw new StorageError(file, `leads to ${real} through a symbolic link, outside ${root}: refusing to follow it`, 'io');
  return real;
}

/** A path relative to the root that stays strictly inside it (not the root itself). */
function isInside(relative: string): boolean {
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

function ignoreCode(code: string): (error: NodeJS.ErrnoException) => undefined {
  return (error) => {
    if (error.code === code) return undefined;
    throw error;
  };
}
