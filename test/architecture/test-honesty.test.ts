// Tests that cannot pass by accident (issue 11 §3), checked on the test sources themselves:
//   - a golden file is written only when GIC_UPDATE_GOLDEN=1 asks for it, never because it is missing
//     (a missing golden must fail, not be created and compared with itself);
//   - no test skips or focuses (`.skip`, `.only`, `.todo`, `xit`) outside the peer rule (`skipIf(!peer)`, `skipIf(peer === undefined)`);
//   - a differential against a peer reads its seed from the fixed CI seed under CI=true;
//   - a property that skips generated cases (`continue`, an early `return`, `fc.pre`) counts what it
//     checked with GeneratorCoverage and asserts minimum shares (test/support/generator-coverage.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...testFiles(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const files = [...testFiles(join(ROOT, 'test')), ...testFiles(join(ROOT, 'src'))].map((f) => ({ file: relative(ROOT, f), text: readFileSync(f, 'utf8') }));

describe('test honesty', () => {
  it('finds the test sources', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('writes golden files only under GIC_UPDATE_GOLDEN=1', () => {
    const wrong: string[] = [];
    for (const { file, text } of files) {
      text.split('\n').forEach((line, i) => {
        // Any write guarded by the update flag, whatever the variable is called, and any golden write.
        if (!/writeFileSync\(\s*golden/i.test(line) && !(/GIC_UPDATE_GOLDEN/.test(line) && /writeFileSync\(/.test(line))) return;
        if (!/if \(process\.env\['GIC_UPDATE_GOLDEN'\] === '1'\) writeFileSync\(/.test(line) || /\|\||&&/.test(line)) wrong.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(wrong).toEqual([]);
  });

  it('has no skipped or focused tests outside the peer rule', () => {
    const wrong: string[] = [];
    for (const { file, text } of files) {
      if (file === relative(ROOT, import.meta.filename)) continue;
      text.split('\n').forEach((line, i) => {
        if (/\b(?:it|test|describe)\.(?:only|skip|todo)\b|\b(?:xit|xdescribe|fit|fdescribe)\(/.test(line)) wrong.push(`${file}:${i + 1}: ${line.trim()}`);
        if (/\.skipIf\(/.test(line) && !/\.skipIf\((?:!\w+|\w+ === undefined)\)/.test(line)) wrong.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(wrong).toEqual([]);
  });

  it('differentials against a peer take the fixed seed under CI=true', () => {
    const differentials = files.filter(({ file, text }) => file.startsWith('test/integration/') && /fc\.sample\(/.test(text));
    expect(differentials.length).toBeGreaterThanOrEqual(2);
    for (const { file, text } of differentials) expect(/process\.env\['CI'\] === 'true' \? FIXED_CI_SEED/.test(text), file).toBe(true);
  });

  it('properties that skip generated cases measure their coverage', () => {
    // Skips that are not generated cases: the reference walk of resolve-group-directory skips visited nodes.
    const exempt = new Set(['src/gerrit/resolve-group-directory.test.ts']);
    const skipping = files.filter(({ file, text }) => /fc\.(?:async)?[pP]roperty\(/.test(text) && /^\s*if \(.*\) (?:return|continue);|fc\.pre\(/m.test(text) && !exempt.has(file));
    expect(skipping.map(({ file }) => file)).toContain('test/unit/evaluate-properties.test.ts');
    for (const { file, text } of skipping) expect(/new GeneratorCoverage\(/.test(text) && /\.expectShares\(/.test(text), file).toBe(true);
  });
});
