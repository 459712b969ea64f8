import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

// architecture.md: "wire imports nothing of ours" and is pure (no sockets, no timers).
const WIRE_DIR = join(import.meta.dirname, '../../src/wire');

describe('src/wire layering', () => {
  const files = readdirSync(WIRE_DIR).filter((name) => name.endsWith('.ts'));

  test.each(files)('%s imports only sibling wire files and node built-ins', (name) => {
    const source = readFileSync(join(WIRE_DIR, name), 'utf8');
    const specifiers = [...source.matchAll(/(?:from|require\()\s*['"]([^'"]+)['"]/g)].map((match) => match[1]);
    for (const specifier of specifiers) {
      const sibling = /^\.\/[A-Za-z0-9]+\.js$/.test(specifier);
      const builtin = specifier.startsWith('node:') || builtinModules.includes(specifier);
      expect({ specifier, allowed: sibling || builtin }).toEqual({ specifier, allowed: true });
    }
  });

  test.each(files)('%s uses no sockets or timers', (name) => {
    const source = readFileSync(join(WIRE_DIR, name), 'utf8');
    expect(source).not.toMatch(/\b(setTimeout|setInterval|setImmediate|Date\.now)\b|['"](node:)?(net|dgram|tls|http|fs)['"]/);
  });
});
