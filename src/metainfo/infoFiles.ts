import { BDict } from '../core/bencode/bdecode.js';
import { byteCount, Fields, type Fail } from './fields.js';
import { MAX_TOTAL_BYTES } from './limits.js';
import { foldedPath, quoted, unsafeSegment } from './pathSegments.js';

export interface TorrentFile {
  /**
   * Where the file goes, in segments relative to the download folder:
   * `[name]` for a single-file torrent, `[name, ...path]` for a multi-file one.
   */
  path: string[];
  length: number;
  /** A BEP 47 padding file (hybrid torrents align files to pieces with them): zeros, never written to disk. */
  padding: boolean;
}

/** The torrent's name: one plain file or folder name. */
export function torrentName(info: Fields): string {
  const name = info.text('name') ?? info.fail(`${info.name('name')} is missing or not a string`);
  const unsafe = unsafeSegment(name);
  if (unsafe) info.fail(`${info.name('name')} must be a plain file name, got ${quoted(name)}: ${unsafe}`);
  return name;
}

/**
 * The files of a single-file (`info.length`) or multi-file (`info.files`, under
 * the folder `info.name`) torrent, in order, each path checked, with no two
 * that would be one file on disk, and a total within the cap.
 */
export function torrentFiles(info: Fields, name: string): { files: TorrentFile[]; multiFile: boolean; total: number } {
  const fail = info.fail;
  const entries = info.list('files');
  if (entries !== undefined && info.has('length')) fail(`has both ${info.name('length')} (one file) and ${info.name('files')} (several): which is it?`);
  const files =
    entries === undefined
      ? [{ path: [name], length: byteCount(info.dict.get('length'), `${info.name('length')} (or 'info.files' for several files)`, fail), padding: false }]
      : entries.map((entry, index) => fileEntry(entry, index, name, fail));
  if (files.length === 0) fail(`${info.name('files')} is empty: the torrent describes no file`);
  const total = files.reduce((sum, file) => sum + file.length, 0);
  if (total > MAX_TOTAL_BYTES) fail(`describes ${total} bytes in all: more than the ${MAX_TOTAL_BYTES} (256 TiB) accepted`);
  if (total === 0) fail('describes 0 bytes in all: nothing to share');
  refuseCollisions(files, fail);
  return { files, multiFile: entries !== undefined, total };
}

/** Entry `index` of `info.files`: `{length, path: [segments], attr?}`. */
function fileEntry(entry: unknown, index: number, name: string, fail: Fail): TorrentFile {
  const place = `'info.files[${index}]'`;
  if (!(entry instanceof BDict)) return fail(`${place} is not a dictionary`);
  const fields = new Fields(entry, `info.files[${index}].`, fail);
  const length = byteCount(entry.get('length'), fields.name('length'), fail);
  const attr = fields.text('attr') ?? '';
  // BEP 47: a symbolic link's target is a second path, one more way out of the download folder.
  if (attr.includes('l')) fail(`${fields.name('attr')} makes ${place} a symbolic link: not supported`);
  const segments = (fields.list('path') ?? fail(`${fields.name('path')} is missing`)).map((segment, at) => {
    if (!Buffer.isBuffer(segment)) return fail(`${fields.name('path')} segment ${at} is not a string`);
    const text = segment.toString('utf8');
    const unsafe = unsafeSegment(text);
    if (unsafe) fail(`${fields.name('path')} segment ${at} is ${quoted(text)}: ${unsafe}`);
    return text;
  });
  if (segments.length === 0) fail(`${fields.name('path')} is empty`);
  return { path: [name, ...segments], length, padding: attr.includes('p') };
}

/**
 * Refuses two files that would be one on disk, even on a case-insensitive file
 * system (`A.txt` and `a.txt`), and a file whose path is another's folder
 * (`a` and `a/b`). Padding files are never written, so they may repeat (hybrid
 * torrents name them all `.pad/<size>`).
 */
function refuseCollisions(files: TorrentFile[], fail: Fail): void {
  const fileAt = new Map<string, number>();
  const folderOf = new Map<string, number>();
  const describe = (index: number) => `'info.files[${index}]' (${quoted(files[index].path.join('/'))})`;
  files.forEach((file, index) => {
    if (file.padding) return;
    const key = foldedPath(file.path);
    const same = fileAt.get(key);
    if (same !== undefined) fail(`${describe(index)} is the same file as ${describe(same)}${sameSpelling(files, index, same) ? '' : ' where letter case is ignored (Windows, macOS)'}`);
    const folderUser = folderOf.get(key);
    if (folderUser !== undefined) fail(`${describe(index)} is a file, but ${describe(folderUser)} needs a folder of that name`);
    for (let depth = 1; depth < file.path.length; depth++) {
      const folder = foldedPath(file.path.slice(0, depth));
      const fileThere = fileAt.get(folder);
      if (fileThere !== undefined) fail(`${describe(index)} needs a folder where ${describe(fileThere)} is a file`);
      if (!folderOf.has(folder)) folderOf.set(folder, index);
    }
    fileAt.set(key, index);
  });
}

function sameSpelling(files: TorrentFile[], a: number, b: number): boolean {
  return files[a].path.join('/') === files[b].path.join('/');
}
