// Holds the architecture's dependency rules over every import in src/ and tools/: the pure engine
// imports nothing from the project and no Node built-ins, adapters stay apart, production code never
// imports tests. The same rules are lint errors (eslint.config.js).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { areaOf, violation } from './dependency-rules.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
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

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? '').filter((s) => s !== '');
}

function resolveRelative(file: string, specifier: string): string {
  const target = relative(root, resolve(dirname(file), specifier));
  return target.replace(/\.js$/, '.ts');
}

/** Production sources; tests beside them (`*.test.ts`) are not production code. */
const productionFiles = [...sourceFiles(join(root, 'src')), ...sourceFiles(join(root, 'tools'))].filter(
  (file) => !file.endsWith('.test.ts'),
);

describe('dependency rules', () => {
  it('finds the production sources it checks', () => {
    expect(productionFiles.some((f) => relative(root, f).startsWith('src/policy/'))).toBe(true);
  });

  it('no production import crosses a forbidden boundary', () => {
    const problems: string[] = [];
    for (const file of productionFiles) {
      const from = relative(root, file);
      for (const specifier of importsOf(file)) {
        if (!specifier.startsWith('.')) continue;
        const reason = violation(from, resolveRelative(file, specifier));
        if (reason !== undefined) problems.push(`${from} imports ${specifier}: ${reason}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the engine uses no Node built-ins and no network or cluster client', () => {
    const problems: string[] = [];
    for (const file of productionFiles.filter((f) => relative(root, f).startsWith('src/policy/'))) {
      for (const specifier of importsOf(file)) {
        if (specifier.startsWith('.')) continue;
        if (!['zod', 'yaml'].includes(specifier.split('/')[0] ?? '')) problems.push(`${relative(root, file)} imports ${specifier}`);
      }
      const text = readFileSync(file, 'utf8');
      if (/\bprocess\.|\bDate\.now\(|\bfetch\(|\brequire\(/.test(text.replace(/\/\/.*$/gm, ''))) {
        problems.push(`${relative(root, file)} uses process, Date.now, fetch or require`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the rule table itself', () => {
  it('classifies files into areas', () => {
    expect(areaOf('src/policy/evaluate/x.ts')).toBe('src/policy');
    expect(areaOf('src/errors.ts')).toBe('src/errors.ts');
    expect(areaOf('tools/policy-validate.ts')).toBe('tools');
  });

  it('rejects the imports the architecture forbids and allows the rest', () => {
    expect(violation('src/policy/a.ts', 'src/kube/b.ts')).toBeDefined();
    expect(violation('src/policy/a.ts', 'src/errors.ts')).toBeDefined();
    expect(violation('src/gerrit/a.ts', 'src/kube/b.ts')).toBeDefined();
    expect(violation('src/kube/a.ts', 'src/copilot/b.ts')).toBeDefined();
    expect(violation('src/copilot/a.ts', 'tools/b.ts')).toBeDefined();
    expect(violation('src/cli/a.ts', 'test/peers/peer.ts')).toBeDefined();
    expect(violation('src/web/a.ts', 'src/policy/b.ts')).toBeDefined();
    expect(violation('src/gerrit/a.ts', 'src/errors.ts')).toBeUndefined();
    expect(violation('src/kube/a.ts', 'src/policy/resources/mesh.ts')).toBeUndefined();
    expect(violation('src/copilot/a.ts', 'src/policy/b.ts')).toBeUndefined();
    expect(violation('src/cli/a.ts', 'src/policy/b.ts')).toBeUndefined();
    expect(violation('src/web/a.ts', 'src/http/api-types.ts')).toBeUndefined();
  });
});
