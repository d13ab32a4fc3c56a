// The command line has no import cycle: commands never import run-cli.ts (which imports every command
// through all-commands.ts); what they share with it (the version) lives in its own module. Static and
// dynamic imports count, type-only ones do not (they vanish at runtime).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const IMPORT = /(?:^|[\s;])(import|export)(\s+type)?\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/gm;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Runtime imports of every file under src/cli, as repository-relative paths. */
function graph(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of files(join(root, 'src', 'cli'))) {
    const deps: string[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (m[2] !== undefined) continue;
      const spec = m[3] ?? m[4];
      if (spec !== undefined) deps.push(relative(root, resolve(dirname(file), spec)).replace(/\.js$/, '.ts'));
    }
    out.set(relative(root, file), deps);
  }
  return out;
}

describe('src/cli imports', () => {
  it('have no cycle (all-commands -> a command -> run-cli -> all-commands was one)', () => {
    const g = graph();
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (node: string, path: string[]): void => {
      state.set(node, 'open');
      for (const dep of g.get(node) ?? []) {
        if (!g.has(dep)) continue;
        if (state.get(dep) === 'open') cycles.push([...path.slice(path.indexOf(dep)), dep].join(' -> '));
        else if (!state.has(dep)) visit(dep, [...path, dep]);
      }
      state.set(node, 'done');
    };
    for (const node of g.keys()) if (!state.has(node)) visit(node, [node]);
    expect(cycles).toEqual([]);
    expect(g.get('src/cli/commands/analyze.ts')).not.toContain('src/cli/run-cli.ts');
  });
});
