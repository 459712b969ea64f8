import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

// architecture.md: "storage does not import metainfo"; FileMap is pure (a list of {path, length} in, segments out).
const STORAGE_DIR = join(import.meta.dirname, '../../src/storage');
const importsOf = (name: string) => [...readFileSync(join(STORAGE_DIR, name), 'utf8').matchAll(/from\s*['"]([^'"]+)['"]/g)].map((match) => match[1]);

describe('multi-file storage layering', () => {
  test.each(['FileSet.ts', 'HandlePool.ts', 'safePaths.ts'])('%s imports only storage files and node built-ins', (name) => {
    for (const specifier of importsOf(name)) {
      const allowed = /^\.\/[A-Za-z0-9]+\.js$/.test(specifier) || specifier.startsWith('node:') || builtinModules.includes(specifier);
      expect({ specifier, allowed }).toEqual({ specifier, allowed: true });
    }
  });

  test('FileMap imports nothing', () => {
    expect(importsOf('FileMap.ts')).toEqual([]);
  });
});
