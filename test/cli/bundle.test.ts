/**
 * peerProcess starts six at a time on two cores in the course's scenario, so
 * the built peerProcess is one bundle of our modules (esbuild, `npm run
 * build`): ESM loads each module separately, and our ~60 cost it about 15 %
 * more start-up CPU than CommonJS did (npm run bench -- course-start). The
 * parts used only on request stay in chunks loaded lazily.
 */
import * as fs from 'fs';
import * as path from 'path';

const CLI = path.join(import.meta.dirname, '..', '..', 'dist', 'cli');

function relativeImports(file: string): string[] {
  const source = fs.readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);
}

describe('the built peerProcess is one bundle', () => {
  test('it imports none of our modules but its own chunks', () => {
    const entry = path.join(CLI, 'peerProcess.js');
    if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run npm run build (npm test does it first)`);
    const imports = relativeImports(entry);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((spec) => !spec.startsWith('./chunks/'))).toEqual([]);
  });

  test('the metrics, the control server and the .torrent parser are chunks of their own, loaded only when asked for', () => {
    const entry = fs.readFileSync(path.join(CLI, 'peerProcess.js'), 'utf8');
    for (const lazy of ['PeerMetrics', 'MetricsServer', 'ControlServer', 'MetaInfo']) {
      expect(entry).toMatch(new RegExp(`import\\(\\s*["']\\./chunks/${lazy}-[A-Z0-9]+\\.js["']\\s*\\)`));
      expect(entry).not.toMatch(new RegExp(`from\\s*["']\\./chunks/${lazy}-`));
    }
    expect(entry).not.toMatch(/from\s*["']prom-client["']/);
  });
});
