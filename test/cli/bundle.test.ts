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

describe('the built programs are bundles', () => {
  // swarmlab too: a download's memory target is 64 MiB, and its ~110 modules loaded one by one held 2 MiB more than one bundle.
  test.each(['peerProcess.js', 'swarmlab.js'])('%s imports none of our modules but its own chunks', (program) => {
    const entry = path.join(CLI, program);
    if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run npm run build (npm test does it first)`);
    const imports = relativeImports(entry);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((spec) => !spec.startsWith('./chunks/'))).toEqual([]);
  });

  test("swarmlab's commands are chunks of their own, loaded only when run", () => {
    const loadedAtStart = staticGraph(path.join(CLI, 'swarmlab.js')).map((file) => fs.readFileSync(file, 'utf8'));
    for (const command of ['swarm', 'download', 'report', 'conform', 'testbed', 'top']) {
      expect(loadedAtStart.some((code) => new RegExp(`import\\(\\s*["']\\.{1,2}/(chunks/)?${command}-[A-Z0-9]+\\.js["']\\s*\\)`).test(code))).toBe(true);
    }
  });

  test("`swarmlab top`'s terminal UI library (ink, React) loads only with its screen", () => {
    const loadedAtStart = staticGraph(path.join(CLI, 'swarmlab.js')).map((file) => fs.readFileSync(file, 'utf8'));
    for (const code of loadedAtStart) expect(code).not.toMatch(/from\s*["'](ink|react)["']/);
    const topChunk = fs.readdirSync(path.join(CLI, 'chunks')).find((name) => /^top-[A-Z0-9]+\.js$/.test(name));
    expect(fs.readFileSync(path.join(CLI, 'chunks', topChunk!), 'utf8')).toMatch(/import\(\s*["']\.{1,2}\/(chunks\/)?screen-[A-Z0-9]+\.js["']\s*\)/);
  });

  test('the metrics, the control server, the .torrent parser and the BitTorrent peer are chunks of their own, loaded only when asked for', () => {
    // What starts with every peer: the entry and the chunks it imports statically (code it shares with the lazy chunks).
    const loadedAtStart = staticGraph(path.join(CLI, 'peerProcess.js')).map((file) => fs.readFileSync(file, 'utf8'));
    for (const lazy of ['PeerMetrics', 'MetricsServer', 'ControlServer', 'MetaInfo', 'runBtPeer']) {
      expect(loadedAtStart.some((code) => new RegExp(`import\\(\\s*["']\\.{1,2}/(chunks/)?${lazy}-[A-Z0-9]+\\.js["']\\s*\\)`).test(code))).toBe(true);
      for (const code of loadedAtStart) expect(code).not.toMatch(new RegExp(`from\\s*["'][^"']*${lazy}-`));
    }
    for (const code of loadedAtStart) expect(code).not.toMatch(/from\s*["']prom-client["']/);
  });
});

/** A file and every file it imports statically (`from '...'`), relative imports only. */
function staticGraph(entry: string, seen = new Set<string>()): string[] {
  if (seen.has(entry)) return [];
  seen.add(entry);
  const source = fs.readFileSync(entry, 'utf8');
  for (const [, spec] of source.matchAll(/\bfrom\s*["'](\.{1,2}\/[^"']+)["']/g)) staticGraph(path.resolve(path.dirname(entry), spec), seen);
  return [...seen];
}
