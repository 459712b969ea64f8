/**
 * architecture.md, "Layers, one-way imports": each rule is a test over the
 * import statements of src/, so a change that breaks a layer fails here with
 * the file and the import named.
 */
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.join(import.meta.dirname, '..', '..', 'src');

interface Import {
  file: string;
  /** The layer (top folder under src/) the import reaches, or undefined for a package or built-in. */
  layer: string | undefined;
  typeOnly: boolean;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsOf(file: string): Import[] {
  const source = fs.readFileSync(file, 'utf8');
  return [...source.matchAll(IMPORT)].map((match) => {
    const specifier = match[3] ?? match[4];
    const target = specifier.startsWith('.') ? path.relative(SRC, path.resolve(path.dirname(file), specifier)) : undefined;
    return {
      file: path.relative(SRC, file),
      layer: target === undefined || target.startsWith('..') ? undefined : target.split(path.sep)[0],
      typeOnly: match[2] !== undefined,
      specifier,
    };
  });
}

const ALL = sourceFiles(SRC).flatMap(importsOf);
const layerOf = (file: string) => file.split(path.sep)[0];

/** Imports from `from` layers that reach a layer outside `allowed` (its own layer is always allowed). */
function offending(from: readonly string[], allowed: readonly string[], options: { valuesOnly?: boolean } = {}): string[] {
  return ALL.filter((i) => from.includes(layerOf(i.file)) && i.layer !== undefined && i.layer !== layerOf(i.file))
    .filter((i) => !allowed.includes(i.layer!) && !(options.valuesOnly && i.typeOnly))
    .map((i) => `${i.file} imports ${i.specifier}`);
}

describe('layers import one way (architecture.md)', () => {
  test('the import scan sees the project (a guard against a scan that finds nothing)', () => {
    expect(ALL.filter((i) => i.layer !== undefined).length).toBeGreaterThan(200);
  });

  test('common, core and wire import nothing of ours but each other (wire uses core)', () => {
    expect(offending(['common', 'core'], ['common', 'core'])).toEqual([]);
    expect(offending(['wire'], ['common', 'core'])).toEqual([]);
  });

  test('policy decides from values it is given: it imports values only from common and core', () => {
    expect(offending(['policy'], ['common', 'core'], { valuesOnly: true })).toEqual([]);
  });

  test('storage does not import metainfo: it is given what checks a piece', () => {
    expect(ALL.filter((i) => layerOf(i.file) === 'storage' && i.layer === 'metainfo').map((i) => `${i.file} imports ${i.specifier}`)).toEqual([]);
  });

  test('net knows the wire, not peers\' logic: it imports only common, core and wire', () => {
    expect(offending(['net'], ['common', 'core', 'wire'])).toEqual([]);
  });

  test('the node reports its status; control and metrics, above it, serve it: node imports neither', () => {
    expect(offending(['node'], ['common', 'core', 'config', 'wire', 'net', 'storage', 'policy', 'log', 'metainfo', 'swarm'])).toEqual([]);
  });

  test('the launcher and the dashboard run commands; they import none (cli sits on top)', () => {
    expect(ALL.filter((i) => ['launcher', 'dashboard'].includes(layerOf(i.file)) && i.layer === 'cli').map((i) => `${i.file} imports ${i.specifier}`)).toEqual([]);
  });

  test('the conformance tester sits beside the other tools: it imports no command', () => {
    expect(ALL.filter((i) => layerOf(i.file) === 'conform' && i.layer === 'cli').map((i) => `${i.file} imports ${i.specifier}`)).toEqual([]);
  });

  test('magnet links and metadata (BEP 9) use only the layers below the torrent; the torrent and the session use them', () => {
    expect(offending(['magnet'], ['common', 'core', 'wire', 'metainfo', 'swarm'])).toEqual([]);
  });

  test('a BitTorrent torrent uses the layers below it, and neither the session above it nor the course node beside it', () => {
    expect(offending(['torrent'], ['common', 'core', 'wire', 'net', 'storage', 'policy', 'swarm', 'log', 'magnet'])).toEqual([]);
  });

  test('the session holds torrents and the listener; the commands above it hold the session', () => {
    expect(offending(['session'], ['common', 'core', 'wire', 'net', 'storage', 'policy', 'swarm', 'log', 'torrent', 'magnet'])).toEqual([]);
  });

  test('the DHT finds peers with what is below it: no torrent, session or course node', () => {
    expect(offending(['dht'], ['common', 'core', 'log', 'net', 'storage', 'swarm'])).toEqual([]);
  });

  test('the daemon holds a session of torrents and serves it; only the commands and swarmlab top (its API\'s client) sit above it', () => {
    expect(offending(['daemon'], ['common', 'core', 'wire', 'net', 'storage', 'policy', 'swarm', 'log', 'torrent', 'magnet', 'session', 'dht', 'metainfo', 'node', 'control', 'metrics'])).toEqual([]);
    expect(ALL.filter((i) => i.layer === 'daemon' && !['daemon', 'cli', 'top'].includes(layerOf(i.file))).map((i) => `${i.file} imports ${i.specifier}`)).toEqual([]);
  });

  test('the testbed drives system tools and stands alone: it imports no other layer, and only the commands import it', () => {
    expect(offending(['testbed'], [])).toEqual([]);
    expect(ALL.filter((i) => i.layer === 'testbed' && !['testbed', 'cli'].includes(layerOf(i.file))).map((i) => `${i.file} imports ${i.specifier}`)).toEqual([]);
  });

  test('nothing below the commands imports cli, launcher, dashboard, report, logcheck or conform', () => {
    const top = ['cli', 'launcher', 'dashboard', 'report', 'logcheck', 'conform'];
    const below = ['common', 'core', 'config', 'wire', 'net', 'storage', 'policy', 'node', 'log', 'metainfo', 'control', 'metrics', 'swarm', 'tracker', 'torrent', 'session', 'dht', 'magnet', 'daemon'];
    const upward = ALL.filter((i) => below.includes(layerOf(i.file)) && i.layer !== undefined && top.includes(i.layer));
    expect(upward.map((i) => `${i.file} imports ${i.specifier}`)).toEqual([]);
  });
});
