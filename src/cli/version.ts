import { readFileSync } from 'fs';
import * as path from 'path';
import { packageRoot } from '../common/packageFiles.js';

/** Our version, from our package.json. */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
