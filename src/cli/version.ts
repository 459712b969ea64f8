import { readFileSync } from 'fs';
import * as path from 'path';

/** Our version, from package.json (dist/cli/ and src/cli/ are both two folders below it). */
export function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
