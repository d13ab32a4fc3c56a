// Holds the architecture's dependency rules over every import in src/ and tools/: the pure engine
// imports nothing from the project and no Node built-ins, adapters stay apart, production code never
// imports tests. The same rules are lint errors (eslint.config.js).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

import { describe, expect, it } from 'vitest';

import { areaOf, violation } from './dependency-rules.js';
import { importsOf, productionFiles as listProductionFiles, resolveRelative, root } from './source-imports.js';

const productionFiles = listProductionFiles();

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
