// The project's own imports, read from the source text (static `import`/`export ... from`, `import type`,
// bare `import '...'` and dynamic `import('...')`), shared by the architecture tests: the dependency
// rules (imports.test.ts) and the import-cycle check (import-cycles.test.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

/** Every `.ts`, `.js` and `.mjs` file under `dir` (absolute paths); none when `dir` does not exist. */
export function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** The module specifiers `file` imports or re-exports, type-only imports included. */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? '').filter((s) => s !== '');
}

/** The repository-relative `.ts` path a relative specifier of `file` names. */
export function resolveRelative(file: string, specifier: string): string {
  const target = relative(root, resolve(dirname(file), specifier));
  return target.replace(/\.js$/, '.ts');
}

/** Production sources of src/ and tools/; tests beside them (`*.test.ts`) are not production code. */
export function productionFiles(): string[] {
  return [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'tools'))].filter((file) => !file.endsWith('.test.ts'));
}
