import { existsSync, readFileSync } from 'fs';
import * as path from 'path';

/**
 * Our version, from the package.json above this file: two folders up from
 * src/cli/ and dist/cli/, three from a bundled chunk in dist/cli/chunks/.
 */
export function packageVersion(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
