import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

// architecture.md: "wire imports nothing of ours" and is pure (no sockets, no timers).
const SRC_DIR = join(import.meta.dirname, '../../src');
const WIRE_DIR = join(SRC_DIR, 'wire');
/**
 * Pure modules outside wire that it may use: the injected random source (the
 * peer id's 12 random bytes) and the one decoder of untrusted bencode (BEP 10).
 */
const ALLOWED_OURS = new Set(['common/Random.ts', 'core/bencode/bdecode.ts']);
/** Packages: bencode, to encode our own BEP 10 extension handshake (never to decode: see core/bencode/bdecode.ts). */
const ALLOWED_PACKAGES = new Set(['bencode']);

const files = readdirSync(WIRE_DIR, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));

function isAllowed(file: string, specifier: string): boolean {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return true;
  if (ALLOWED_PACKAGES.has(specifier)) return true;
  if (!/^\.\.?\/[A-Za-z0-9./]+\.js$/.test(specifier)) return false;
  const target = relative(SRC_DIR, resolve(dirname(join(WIRE_DIR, file)), specifier.replace(/\.js$/, '.ts')));
  return target.startsWith('wire/') || ALLOWED_OURS.has(target);
}

describe('src/wire layering', () => {
  test('covers both dialects and the shared framing', () => {
    expect(files).toEqual(expect.arrayContaining([join('course', 'MessageCodec.ts'), join('bt', 'MessageCodec.ts'), 'frame.ts']));
  });

  test.each(files)('%s imports only wire files, node built-ins and the allowed few', (name) => {
    const source = readFileSync(join(WIRE_DIR, name), 'utf8');
    const specifiers = [...source.matchAll(/(?:from|require\()\s*['"]([^'"]+)['"]/g)].map((match) => match[1]);
    for (const specifier of specifiers) {
      expect({ specifier, allowed: isAllowed(name, specifier) }).toEqual({ specifier, allowed: true });
    }
  });

  test.each(files)('%s uses no sockets or timers', (name) => {
    const source = readFileSync(join(WIRE_DIR, name), 'utf8');
    expect(source).not.toMatch(/\b(setTimeout|setInterval|setImmediate|Date\.now|Math\.random)\b|['"](node:)?(net|dgram|tls|http|fs)['"]/);
  });
});
