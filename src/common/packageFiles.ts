import { existsSync } from 'fs';
import * as path from 'path';

/**
 * The folder of our package.json: two folders up from src/x/ and dist/x/,
 * three from src/x/y/ or a bundled chunk in dist/cli/chunks/. Paths into the
 * package are found from here, never from the calling file's own folder,
 * which the bundler moves.
 */
export function packageRoot(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${import.meta.dirname}`);
  }
}

/** The built peerProcess program, which the launcher starts for each local peer (and, by default, over ssh). */
export function builtPeerProcess(): string {
  return path.join(packageRoot(), 'dist', 'cli', 'peerProcess.js');
}
